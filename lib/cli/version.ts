/**
 * The package's version, for `--version`: read at run time from the package.json above the running code (the
 * package's own in node_modules, or this repository's), so that it is always the version that was installed.
 */
import * as fs from 'fs';
import * as path from 'path';

const PACKAGE_NAME = 'cdk8s-private-registry';
// the package of a cdk8s-plus line other than the root one is named with the line's number: cdk8s-private-registry-33
const PACKAGE_NAMES = new RegExp(`^${PACKAGE_NAME}(?:-\\d+)?$`);

/** The version in the nearest package.json named `cdk8s-private-registry` (or `-N`, a cdk8s-plus line's) at or above `from`. */
export function packageVersion(from: string = __dirname): string {
  // every step goes up one folder, and the root is its own parent: the loop ends there at the latest
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (typeof pkg.name === 'string' && PACKAGE_NAMES.test(pkg.name) && typeof pkg.version === 'string') return pkg.version;
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find the package.json of ${PACKAGE_NAME} above ${from}: reinstall the package`);
  }
}
