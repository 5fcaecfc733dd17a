// jsii records each method's parameter names, and Python, C# and Kotlin callers pass arguments by them: a method that
// overrides a cdk8s-plus (or cdk8s) method must keep the base method's names, or a named argument that works on the
// base class fails on ours. The TypeScript compiler reads both declarations.
import * as path from 'node:path';
import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(__dirname, '..');

function overriddenParameterNames(): { method: string; ours: string[]; base: string[] }[] {
  // the project's own compiler options, so that cdk8s-plus resolves as it does for tsc
  const config = ts.parseJsonConfigFileContent(ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile).config, ts.sys, ROOT);
  const program = ts.createProgram([path.join(ROOT, 'lib', 'index.ts')], { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const found: { method: string; ours: string[]; base: string[] }[] = [];
  for (const file of program.getSourceFiles()) {
    if (!file.fileName.startsWith(path.join(ROOT, 'lib') + path.sep)) continue;
    ts.forEachChild(file, function visit(node) {
      if (ts.isClassDeclaration(node) && node.name) {
        const base = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
        for (const member of node.members) {
          if (!ts.isMethodDeclaration(member)) continue;
          if (!ts.getModifiers(member)?.some((m) => m.kind === ts.SyntaxKind.OverrideKeyword)) continue;
          const name = member.name.getText(file);
          const baseSignature = base && checker.getTypeAtLocation(base).getProperty(name)?.declarations?.[0];
          const params = (d: ts.Declaration | undefined): string[] =>
            d && (ts.isMethodDeclaration(d) || ts.isMethodSignature(d)) ? d.parameters.map((p) => p.name.getText()) : [];
          found.push({ method: `${node.name.text}.${name}`, ours: params(member), base: params(baseSignature) });
        }
      }
      ts.forEachChild(node, visit);
    });
  }
  return found;
}

describe('methods that override a base class method', () => {
  it('keep the base method\'s parameter names, which jsii publishes for named arguments', () => {
    const methods = overriddenParameterNames();
    // the check must see the overrides it is about, or it proves nothing
    expect(methods.map((m) => m.method)).toContain('PrivateRegistrySecret.addStringData');
    for (const m of methods.filter((x) => x.base.length > 0)) {
      expect({ method: m.method, names: m.ours }).toEqual({ method: m.method, names: m.base });
    }
    expect(methods.find((m) => m.method === 'PrivateRegistrySecret.addStringData')?.base).toEqual(['key', 'value']);
  });
});
