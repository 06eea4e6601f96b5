// pg_catalog: loads the files that define its relations (computed from Weir's catalog with
// PostgreSQL 15's columns), then defines the remaining catalogs of pg-columns.ts with no rows —
// Weir has no triggers, policies, publications, extensions … so those are truly empty.

import './pg-types.js';
import './pg-class.js';
import './pg-roles.js';
import './pg-views.js';
import { defineRemainingCatalogs } from './registry.js';

defineRemainingCatalogs();

export { relkind } from './pg-class.js';
