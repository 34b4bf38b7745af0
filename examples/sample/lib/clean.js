// Nothing to report: one export style, no reassignment.
'use strict';

exports.version = '1.0.0';
exports.name = 'sample';
