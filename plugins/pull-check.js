// The pull-check validation plugin for this repo's own cdk8s.yaml. The cdk8s CLI loads plugins with require(), so
// this shim registers tsx and loads the TypeScript source: no build step before `npm run synth`. Other apps point
// cdk8s.yaml at the installed package instead (see docs/pull-check.md).
require('tsx/cjs');
module.exports = require('../lib/check/pull-check-validation.ts');
