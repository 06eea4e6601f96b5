// to_char() for timestamps: PostgreSQL's template patterns (YYYY, MM, DD, HH24, MI, SS, MS, US,
// Mon, Month, Dy, Day, AM/PM, TZ, …) applied to a local wall-clock time in microseconds.

import { US_PER_DAY, US_PER_HOUR, US_PER_MIN, US_PER_SEC, civilFromDays, daysFromCivil, formatOffset } from '../types/datetime.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const PATTERNS = [
  'HH24', 'HH12', 'HH', 'MI', 'SS', 'MS', 'US', 'AM', 'PM', 'am', 'pm', 'A.M.', 'P.M.',
  'YYYY', 'YYY', 'YY', 'Y', 'MONTH', 'Month', 'month', 'MON', 'Mon', 'mon', 'MM',
  'DAY', 'Day', 'day', 'DY', 'Dy', 'dy', 'DDD', 'DD', 'D', 'Q', 'WW', 'IW', 'J', 'TZ', 'tz', 'OF', 'SSSS',
];

export function toChar(us: number, fmt: string, offsetSec: number): string {
  const days = Math.floor(us / US_PER_DAY);
  const tod = us - days * US_PER_DAY;
  const [y, m, d] = civilFromDays(days);
  const h = Math.floor(tod / US_PER_HOUR), mi = Math.floor((tod % US_PER_HOUR) / US_PER_MIN), s = Math.floor((tod % US_PER_MIN) / US_PER_SEC);
  const frac = tod % US_PER_SEC;
  const dow = ((days + 4) % 7 + 7) % 7;
  const p = (n: number, w: number) => String(n).padStart(w, '0');
  let out = '';
  let fill = true;
  for (let i = 0; i < fmt.length;) {
    if (fmt[i] === '"') {
      const end = fmt.indexOf('"', i + 1);
      out += fmt.slice(i + 1, end < 0 ? fmt.length : end);
      i = end < 0 ? fmt.length : end + 1;
      continue;
    }
    if (fmt.startsWith('FM', i)) { fill = false; i += 2; continue; }
    const pat = PATTERNS.find((x) => fmt.startsWith(x, i));
    if (!pat) { out += fmt[i++]; continue; }
    const pw = (n: number, w: number) => (fill ? p(n, w) : String(n));
    const pad = (str: string, w: number) => (fill ? str.padEnd(w, ' ') : str);
    switch (pat) {
      case 'HH24': out += pw(h, 2); break;
      case 'HH12': case 'HH': out += pw(h % 12 === 0 ? 12 : h % 12, 2); break;
      case 'MI': out += pw(mi, 2); break;
      case 'SS': out += pw(s, 2); break;
      case 'SSSS': out += String(Math.floor(tod / US_PER_SEC)); break;
      case 'MS': out += p(Math.floor(frac / 1000), 3); break;
      case 'US': out += p(frac, 6); break;
      case 'AM': case 'PM': out += h < 12 ? 'AM' : 'PM'; break;
      case 'am': case 'pm': out += h < 12 ? 'am' : 'pm'; break;
      case 'A.M.': case 'P.M.': out += h < 12 ? 'A.M.' : 'P.M.'; break;
      case 'YYYY': out += pw(y, 4); break;
      case 'YYY': out += p(y % 1000, 3); break;
      case 'YY': out += p(y % 100, 2); break;
      case 'Y': out += String(y % 10); break;
      case 'MONTH': out += pad(MONTHS[m - 1].toUpperCase(), 9); break;
      case 'Month': out += pad(MONTHS[m - 1], 9); break;
      case 'month': out += pad(MONTHS[m - 1].toLowerCase(), 9); break;
      case 'MON': out += MONTHS[m - 1].slice(0, 3).toUpperCase(); break;
      case 'Mon': out += MONTHS[m - 1].slice(0, 3); break;
      case 'mon': out += MONTHS[m - 1].slice(0, 3).toLowerCase(); break;
      case 'MM': out += pw(m, 2); break;
      case 'DAY': out += pad(DAYS[dow].toUpperCase(), 9); break;
      case 'Day': out += pad(DAYS[dow], 9); break;
      case 'day': out += pad(DAYS[dow].toLowerCase(), 9); break;
      case 'DY': out += DAYS[dow].slice(0, 3).toUpperCase(); break;
      case 'Dy': out += DAYS[dow].slice(0, 3); break;
      case 'dy': out += DAYS[dow].slice(0, 3).toLowerCase(); break;
      case 'DDD': out += pw(days - daysFromCivil(y, 1, 1) + 1, 3); break;
      case 'DD': out += pw(d, 2); break;
      case 'D': out += String(dow + 1); break;
      case 'Q': out += String(Math.floor((m - 1) / 3) + 1); break;
      case 'WW': out += pw(Math.floor((days - daysFromCivil(y, 1, 1)) / 7) + 1, 2); break;
      case 'IW': { const dw = ((days + 3) % 7 + 7) % 7; const th = days - dw + 3; const [ty] = civilFromDays(th); out += pw(Math.floor((th - daysFromCivil(ty, 1, 1)) / 7) + 1, 2); break; }
      case 'J': out += String(days + 2440588); break;
      case 'TZ': case 'tz': out += offsetSec === 0 ? (pat === 'TZ' ? 'UTC' : 'utc') : formatOffset(offsetSec); break;
      case 'OF': out += formatOffset(offsetSec); break;
    }
    i += pat.length;
  }
  return out;
}
