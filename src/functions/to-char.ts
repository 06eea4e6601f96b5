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

/** A template split once into literal text and patterns. FM (fill mode off) applies to the next
 * pattern only, as in PostgreSQL (Oracle's FM applies to all that follow). */
type Token = { readonly text: string } | { readonly pat: string; readonly fill: boolean };

/** Parsed templates by text: a query applies one template to every row. */
const templates = new Map<string, readonly Token[]>();
const MAX_TEMPLATES = 256;

function parseTemplate(fmt: string): readonly Token[] {
  let tokens = templates.get(fmt);
  if (tokens) return tokens;
  const out: Token[] = [];
  let fill = true;
  for (let i = 0; i < fmt.length;) {
    if (fmt[i] === '"') {
      const end = fmt.indexOf('"', i + 1);
      out.push({ text: fmt.slice(i + 1, end < 0 ? fmt.length : end) });
      i = end < 0 ? fmt.length : end + 1;
      continue;
    }
    if (fmt.startsWith('FM', i)) { fill = false; i += 2; continue; }
    const pat = PATTERNS.find((x) => fmt.startsWith(x, i));
    if (!pat) { out.push({ text: fmt[i++] }); continue; }
    out.push({ pat, fill });
    fill = true;
    i += pat.length;
  }
  tokens = out;
  if (templates.size >= MAX_TEMPLATES) templates.clear();
  templates.set(fmt, tokens);
  return tokens;
}

function zeros(n: number, w: number): string { return String(n).padStart(w, '0'); }
function num(n: number, w: number, fill: boolean): string { return fill ? zeros(n, w) : String(n); }
function word(str: string, w: number, fill: boolean): string { return fill ? str.padEnd(w, ' ') : str; }

export function toChar(us: number, fmt: string, offsetSec: number): string {
  const days = Math.floor(us / US_PER_DAY);
  const tod = us - days * US_PER_DAY;
  const [y, m, d] = civilFromDays(days);
  const h = Math.floor(tod / US_PER_HOUR), mi = Math.floor((tod % US_PER_HOUR) / US_PER_MIN), s = Math.floor((tod % US_PER_MIN) / US_PER_SEC);
  const frac = tod % US_PER_SEC;
  const dow = ((days + 4) % 7 + 7) % 7;
  let out = '';
  for (const t of parseTemplate(fmt)) {
    if ('text' in t) { out += t.text; continue; }
    const { pat, fill } = t;
    switch (pat) {
      case 'HH24': out += num(h, 2, fill); break;
      case 'HH12': case 'HH': out += num(h % 12 === 0 ? 12 : h % 12, 2, fill); break;
      case 'MI': out += num(mi, 2, fill); break;
      case 'SS': out += num(s, 2, fill); break;
      case 'SSSS': out += String(Math.floor(tod / US_PER_SEC)); break;
      case 'MS': out += zeros(Math.floor(frac / 1000), 3); break;
      case 'US': out += zeros(frac, 6); break;
      case 'AM': case 'PM': out += h < 12 ? 'AM' : 'PM'; break;
      case 'am': case 'pm': out += h < 12 ? 'am' : 'pm'; break;
      case 'A.M.': case 'P.M.': out += h < 12 ? 'A.M.' : 'P.M.'; break;
      case 'YYYY': out += num(y, 4, fill); break;
      case 'YYY': out += zeros(y % 1000, 3); break;
      case 'YY': out += zeros(y % 100, 2); break;
      case 'Y': out += String(y % 10); break;
      case 'MONTH': out += word(MONTHS[m - 1].toUpperCase(), 9, fill); break;
      case 'Month': out += word(MONTHS[m - 1], 9, fill); break;
      case 'month': out += word(MONTHS[m - 1].toLowerCase(), 9, fill); break;
      case 'MON': out += MONTHS[m - 1].slice(0, 3).toUpperCase(); break;
      case 'Mon': out += MONTHS[m - 1].slice(0, 3); break;
      case 'mon': out += MONTHS[m - 1].slice(0, 3).toLowerCase(); break;
      case 'MM': out += num(m, 2, fill); break;
      case 'DAY': out += word(DAYS[dow].toUpperCase(), 9, fill); break;
      case 'Day': out += word(DAYS[dow], 9, fill); break;
      case 'day': out += word(DAYS[dow].toLowerCase(), 9, fill); break;
      case 'DY': out += DAYS[dow].slice(0, 3).toUpperCase(); break;
      case 'Dy': out += DAYS[dow].slice(0, 3); break;
      case 'dy': out += DAYS[dow].slice(0, 3).toLowerCase(); break;
      case 'DDD': out += num(days - daysFromCivil(y, 1, 1) + 1, 3, fill); break;
      case 'DD': out += num(d, 2, fill); break;
      case 'D': out += String(dow + 1); break;
      case 'Q': out += String(Math.floor((m - 1) / 3) + 1); break;
      case 'WW': out += num(Math.floor((days - daysFromCivil(y, 1, 1)) / 7) + 1, 2, fill); break;
      case 'IW': { const dw = ((days + 3) % 7 + 7) % 7; const th = days - dw + 3; const [ty] = civilFromDays(th); out += num(Math.floor((th - daysFromCivil(ty, 1, 1)) / 7) + 1, 2, fill); break; }
      case 'J': out += String(days + 2440588); break;
      case 'TZ': case 'tz': out += offsetSec === 0 ? (pat === 'TZ' ? 'UTC' : 'utc') : formatOffset(offsetSec); break;
      case 'OF': out += formatOffset(offsetSec); break;
    }
  }
  return out;
}
