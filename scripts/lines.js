// One npm package per cdk8s-plus line, all from the one lib/. The root package is the cdk8s-plus-28 line; every other
// line N is a copy of lib/ in build/lines/N/ whose `cdk8s-plus-28` imports read `cdk8s-plus-N`, with a package.json
// that names the package `cdk8s-private-registry-N`, makes `cdk8s-plus-N` its only cdk8s-plus peer and gives its
// bindings their own names, compiled there by jsii. The lines are the `cdk8s-plus-N` devDependencies of the root
// package.json: the versions the tests run against.
// Usage: node scripts/lines.js list | build N [DIR] | pack
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const ROOT_LINE = 28;
const JSII = path.join(ROOT, 'node_modules', 'jsii', 'bin', 'jsii');
// jsii warns on every run that Node 20 is past its end of life: that is known, and would fail --fail-on-warnings
const QUIET = { JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20', JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' };

const rootPackage = () => JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** The cdk8s-plus lines built, from the root package.json's devDependencies, oldest first. */
function lines(pkg = rootPackage()) {
  return Object.keys(pkg.devDependencies).map((d) => /^cdk8s-plus-(\d+)$/.exec(d)).filter(Boolean).map((m) => Number(m[1])).sort((a, b) => a - b);
}

/** The package name of line `n`. */
function packageName(n, pkg = rootPackage()) {
  return n === ROOT_LINE ? pkg.name : `${pkg.name}-${n}`;
}

/** The folder the package of line `n` is built in. */
function lineDir(n) {
  return n === ROOT_LINE ? ROOT : path.join(ROOT, 'build', 'lines', String(n));
}

/** The package.json of line `n`, derived from the root one: its name, its one cdk8s-plus peer, its bindings' names. */
function linePackage(n, pkg = rootPackage()) {
  const plus = `cdk8s-plus-${n}`;
  const tested = pkg.devDependencies[plus];
  if (!/^\d+\.\d+\.\d+$/.test(tested ?? '')) {
    throw new Error(`package.json: devDependencies '${plus}' must be an exact version such as '2.5.57', got '${tested}'; pin the version the tests run against`);
  }
  const swap = (deps) => Object.fromEntries(Object.entries(deps).filter(([d]) => !/^cdk8s-plus-\d+$/.test(d)).concat([[plus, deps === pkg.peerDependencies ? `^${tested}` : tested]])
    .sort(([a], [b]) => a.localeCompare(b)));
  const t = pkg.jsii.targets;
  const out = {
    ...pkg,
    name: packageName(n, pkg),
    description: `${pkg.description} (for ${plus})`,
    keywords: [...pkg.keywords, plus],
    scripts: {},
    peerDependencies: swap(pkg.peerDependencies),
    devDependencies: swap(Object.fromEntries(Object.entries(pkg.devDependencies).filter(([d]) => /^(cdk8s|constructs|cdk8s-plus-\d+|jsii|typescript|@types\/node)$/.test(d)))),
    jsii: {
      ...pkg.jsii,
      targets: {
        python: { distName: `${t.python.distName}-${n}`, module: `${t.python.module}_${n}` },
        java: { package: `${t.java.package}.plus${n}`, maven: { groupId: t.java.maven.groupId, artifactId: `${t.java.maven.artifactId}-${n}` } },
        // one Go module holds every line, each in its own package, as cdk8s-plus-go does
        go: { moduleName: t.go.moduleName, packageName: `${t.go.packageName ?? pkg.name.replace(/-/g, '')}${n}` },
        dotnet: { namespace: `${t.dotnet.namespace}${n}`, packageId: `${t.dotnet.packageId}${n}` },
      },
    },
  };
  delete out.overrides;
  delete out['//'];
  return out;
}

/** Rewrites the cdk8s-plus-28 module name in one TypeScript source; throws if it would leave another line's name. */
function rewriteSource(text, n, file = 'source') {
  const out = text.replace(/(['"])cdk8s-plus-28\1/g, `$1cdk8s-plus-${n}$1`);
  const other = /['"]cdk8s-plus-(\d+)['"]/g;
  for (const m of out.matchAll(other)) {
    if (Number(m[1]) !== n) throw new Error(`${file}: imports '${m[0].slice(1, -1)}', expected only 'cdk8s-plus-28'; lib/ is written for the root line`);
  }
  return out;
}

/** The README of line `n`: the root one, its examples and install line naming this line's packages. */
function lineReadme(text, n, pkg = rootPackage()) {
  const name = packageName(n, pkg);
  const line = linePackage(n, pkg);
  // the table of lines (between <!-- lines --> and <!-- /lines -->) names every line, and stays as it is
  const body = text.split(/(<!-- lines -->[\s\S]*?<!-- \/lines -->)/).map((part) => part.startsWith('<!-- lines -->') ? part : part
    .replace(/cdk8s-plus-28/g, `cdk8s-plus-${n}`)
    .replace(new RegExp(`(from |require\\(|npm install |npm i |package: )(['"]?)${pkg.name}(?![-\\w])`, 'g'), `$1$2${name}`)
    .replaceAll(`\`cdk8s-plus-${n}\` (\`${pkg.peerDependencies['cdk8s-plus-28']}\`)`, `\`cdk8s-plus-${n}\` (\`${line.peerDependencies[`cdk8s-plus-${n}`]}\`)`)
    .replaceAll(`(\`${pkg.jsii.targets.python.module}\`)`, `(\`${line.jsii.targets.python.module}\`)`)).join('');
  return `> This is \`${name}\`, the build of ${pkg.name} for **cdk8s-plus-${n}**: the same constructs, with \`cdk8s-plus-${n}\` as ` +
    `their only cdk8s-plus peer.\n\n${body}`;
}

function copyTree(from, to, transform) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(src, dst, transform);
    else if (entry.name.endsWith('.ts')) fs.writeFileSync(dst, transform(fs.readFileSync(src, 'utf8'), src));
    else fs.copyFileSync(src, dst);
  }
}

/**
 * Writes the package of line `n` from lib/ into `dir` (build/lines/N/ by default) and compiles it there with jsii, which
 * fails on any warning; returns jsii's output. A `dir` outside the repo gets a link to the repo's node_modules, where
 * jsii finds the line's cdk8s-plus.
 */
function build(n, dir = lineDir(n)) {
  if (n === ROOT_LINE) throw new Error(`line ${ROOT_LINE} is the root package: build it with npm run compile`);
  const pkg = rootPackage();
  if (!lines(pkg).includes(n)) throw new Error(`line ${n}: package.json has no devDependency 'cdk8s-plus-${n}'; lines built: ${lines(pkg).join(', ')}`);
  fs.rmSync(dir, { recursive: true, force: true });
  if (path.relative(ROOT, dir).startsWith('..')) {
    fs.mkdirSync(dir, { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  }
  copyTree(path.join(ROOT, 'lib'), path.join(dir, 'lib'), (text, file) => rewriteSource(text, n, path.relative(ROOT, file)));
  fs.copyFileSync(path.join(ROOT, pkg.jsii.tsconfig), path.join(dir, pkg.jsii.tsconfig));
  for (const f of ['LICENSE', 'CHANGELOG.md']) if (fs.existsSync(path.join(ROOT, f))) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, 'README.md'), lineReadme(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'), n, pkg));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(linePackage(n, pkg), null, 2) + '\n');
  return execFileSync(process.execPath, [JSII, '--fail-on-warnings'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...QUIET }, stdio: 'pipe' });
}

/** Compiles every line and packs each into build/packages/; returns the tarballs' paths. */
function pack() {
  const out = path.join(ROOT, 'build', 'packages');
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const tarballs = [];
  for (const n of lines()) {
    if (n === ROOT_LINE) execFileSync('npm', ['run', '--silent', 'compile'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...QUIET } });
    else process.stdout.write(build(n));
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], { cwd: lineDir(n), encoding: 'utf8' }));
    tarballs.push(path.join(out, packed[0].filename));
    console.log(`${packageName(n)}: ${path.relative(ROOT, tarballs.at(-1))}`);
  }
  return tarballs;
}

if (require.main === module) {
  const [command, ...args] = process.argv.slice(2);
  try {
    if (command === 'list') console.log(lines().join(' '));
    else if (command === 'build') process.stdout.write(build(Number(args[0]), args[1] ? path.resolve(args[1]) : undefined));
    else if (command === 'pack') pack();
    else throw new Error(`unknown command '${command}': expected list, build N [DIR] or pack`);
  } catch (e) {
    console.error(`lines: ${e.stderr || e.stdout || e.message}`);
    process.exit(1);
  }
}

module.exports = { ROOT_LINE, lines, packageName, lineDir, linePackage, rewriteSource, lineReadme, build, pack };
