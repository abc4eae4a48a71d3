'use strict';
// require('descent') and require('descent/node'): the Node entry, or a one-line ESM-only error (see esm-only.cjs).
module.exports = require('./esm-only.cjs')(() => require('../node.js'), 'descent');
