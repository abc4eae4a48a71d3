'use strict';
// require('descent/lab'): the lab, or a one-line ESM-only error (see esm-only.cjs).
module.exports = require('./esm-only.cjs')(() => require('../lab/index.js'), 'descent/lab');
