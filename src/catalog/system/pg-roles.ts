// Shared catalogs about the cluster: pg_database (Weir has one database), roles (pg_roles,
// pg_authid, pg_user, pg_shadow, pg_auth_members), pg_tablespace and pg_settings.

import { BOOTSTRAP_USER_OID, DATABASE_NAME, DATABASE_OID, type UserDef } from '../catalog.js';
import type { Session } from '../../session/session.js';
import { defineCatalog, type RowObject } from './registry.js';
import { DEFAULT_TABLESPACE_OID, GLOBAL_TABLESPACE_OID } from './oids.js';

defineCatalog('pg_database', (): RowObject[] => [{
  oid: DATABASE_OID, datname: DATABASE_NAME, datdba: BOOTSTRAP_USER_OID, encoding: 6, datlocprovider: 'c', datistemplate: false, datallowconn: true,
  datconnlimit: -1, datfrozenxid: 716n, datminmxid: 1n, dattablespace: DEFAULT_TABLESPACE_OID, datcollate: 'C', datctype: 'C',
}]);

/**
 * Role attributes. Weir records only "superuser" and "can log in"; the bootstrap superuser has every
 * attribute, as PostgreSQL's initdb user does, and other roles only what they were given.
 */
function role(u: UserDef): RowObject {
  const boot = u.oid === BOOTSTRAP_USER_OID;
  return {
    oid: u.oid, rolname: u.name, rolsuper: u.superuser, rolinherit: true, rolcreaterole: boot, rolcreatedb: boot, rolcanlogin: u.canLogin,
    rolreplication: boot, rolbypassrls: boot, rolconnlimit: -1,
  };
}

defineCatalog('pg_authid', (s) => s.db.catalog.users().map((u) => ({ ...role(u), rolpassword: u.scram ?? null })));
defineCatalog('pg_roles', (s) => s.db.catalog.users().map((u) => ({ ...role(u), rolpassword: '********' })));

function userRow(u: UserDef, passwd: string | null): RowObject {
  const r = role(u);
  return { usename: u.name, usesysid: u.oid, usecreatedb: r.rolcreatedb, usesuper: u.superuser, userepl: r.rolreplication, usebypassrls: r.rolbypassrls, passwd };
}
defineCatalog('pg_user', (s) => s.db.catalog.users().filter((u) => u.canLogin).map((u) => userRow(u, '********')));
defineCatalog('pg_shadow', (s) => s.db.catalog.users().filter((u) => u.canLogin).map((u) => userRow(u, u.scram ?? null)));

defineCatalog('pg_tablespace', (): RowObject[] => [
  { oid: DEFAULT_TABLESPACE_OID, spcname: 'pg_default', spcowner: BOOTSTRAP_USER_OID },
  { oid: GLOBAL_TABLESPACE_OID, spcname: 'pg_global', spcowner: BOOTSTRAP_USER_OID },
]);

defineCatalog('pg_settings', (s) => s.settings.all().map((x) => ({
  name: x.name, setting: x.setting, category: 'Ungrouped', short_desc: x.description, context: 'user', vartype: settingType(x.setting),
  source: 'default', boot_val: x.setting, reset_val: x.setting, pending_restart: false,
})));

function settingType(v: string): string {
  if (/^(on|off|true|false)$/i.test(v)) return 'bool';
  if (/^-?\d+$/.test(v)) return 'integer';
  if (/^-?\d+\.\d+$/.test(v)) return 'real';
  return 'string';
}

// One row per open session (the server's session registry); the asking session is 'active'.
defineCatalog('pg_stat_activity', (s: Session) => [...s.db.sessions].map(([pid, other]) => ({
  datid: DATABASE_OID, datname: DATABASE_NAME, pid, usesysid: s.db.catalog.user(other.user)?.oid ?? 0, usename: other.user,
  application_name: pid === s.pid ? s.settings.get('application_name') ?? '' : other.applicationName,
  state: pid === s.pid ? 'active' : other.state(), query: pid === s.pid ? s.currentQuery : other.query(), backend_type: 'client backend',
})));

