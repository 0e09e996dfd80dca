#!/usr/bin/env node
// `npm ci`, unless node_modules was already installed by `npm ci` from this
// exact package-lock.json (stamp file with the lock's SHA-256). A fresh clone
// (CI) always runs npm ci; repeated local builds skip the ~20 s reinstall.
//   node ensure-deps.mjs [NPM_EXECUTABLE]      K8S_VALIDATE_NPM_CI=always forces it
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const lock = fs.readFileSync(path.join(here, 'package-lock.json'));
const sha = crypto.createHash('sha256').update(lock).digest('hex');
const stamp = path.join(here, 'node_modules', '.installed-by-npm-ci.sha256');

if (process.env.K8S_VALIDATE_NPM_CI !== 'always' && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === sha) {
  console.log('node_modules was installed by npm ci from this package-lock.json: npm ci skipped');
  process.exit(0);
}
const npm = process.argv[2] || 'npm';
const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: here, stdio: 'inherit' });
if (result.error) {
  console.error(`cannot run ${npm}: ${result.error.message}`);
  process.exit(2);
}
if (result.status !== 0) process.exit(result.status ?? 1);
fs.writeFileSync(stamp, `${sha}\n`);
