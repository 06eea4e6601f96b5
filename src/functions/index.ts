// Loads every scalar function family into the registry.

import './math.js';
import './pattern-functions.js';
import './string.js';
import './datetime.js';
import './json.js';

export { resolveFunction, hasFunction } from './registry.js';
