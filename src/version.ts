// The PostgreSQL version Weir reports: drivers gate features on server_version, so Weir claims the
// protocol and catalog shape of PostgreSQL 15 that it implements (the Debian release Weir is tested against).

export const SERVER_VERSION = '15.4';
export const SERVER_VERSION_NUM = '150004';
export const WEIR_VERSION = '0.1.0';
export const SERVER_VERSION_STRING = `PostgreSQL ${SERVER_VERSION} (Weir ${WEIR_VERSION}, a streaming SQL database) on x86_64-pc-linux-gnu`;
