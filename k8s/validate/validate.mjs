#!/usr/bin/env node
// Validates the Kubernetes manifests and the docker-compose stack of pix2pix.
//
//   node validate.mjs [--kubectl BIN] [--root K8S_DIR] [--compose FILE] [--out DIR]
//       Renders every kustomization under K8S_DIR with `kubectl kustomize`
//       (a render error fails), validates every rendered object against its
//       real schema (unknown kinds and unknown fields fail), runs the
//       cross-object checks of lib/policy.mjs, validates the compose file and
//       lints the Dockerfiles it builds (and runs `docker compose config -q`
//       too when a compose CLI is installed; it needs no Docker daemon).
//
//   node validate.mjs --self-test [same options]
//       Proves the validation can fail: renders the builds named in
//       selftest/mutations.yaml (overlays/gpu, examples/gpu-sasl), checks they
//       pass, then applies each mutation listed there (a typo, a wrong type, an
//       unknown kind, a broken scaling rule, ...) to a copy and checks that
//       validation now fails with the expected message. Does the same for
//       the compose file and the Dockerfiles, and checks that a kustomization
//       that does not render fails.
//
// Exit status 0 only if everything passed. The last line is "<mode>: N passed,
// M failed".

import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { loadRegistry, CLUSTER_SCOPED } from './lib/registry.mjs';
import { validateObject } from './lib/schema.mjs';
import { checkBuild } from './lib/policy.mjs';
import { validateCompose, loadCompose, lintDockerfile } from './lib/compose.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const opts = {
    kubectl: process.env.KUBECTL || 'kubectl',
    root: path.resolve(here, '..'),
    compose: path.resolve(here, '../../deploy/docker-compose.yml'),
    out: null,
    selfTest: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => { if (i + 1 >= argv.length) throw new Error(`${a} needs a value`); return argv[++i]; };
    if (a === '--kubectl') opts.kubectl = next();
    else if (a === '--root') opts.root = path.resolve(next());
    else if (a === '--compose') opts.compose = path.resolve(next());
    else if (a === '--out') opts.out = path.resolve(next());
    else if (a === '--self-test') opts.selfTest = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

const policy = JSON.parse(fs.readFileSync(path.join(here, 'policy.json'), 'utf8'));
// The topic inventory, generated from dev.pix2pix.msg.Topics (TopicManifestsTest keeps it up to date).
const generated = JSON.parse(fs.readFileSync(path.join(here, 'topics.json'), 'utf8'));
const inventory = generated.topics;
policy.kubernetes.inventory = inventory;
policy.kubernetes.transactionalIds = generated.transactionalIds ?? {};
policy.compose.inventory = inventory;
const isClusterScoped = (gvk) => CLUSTER_SCOPED.has(gvk);
const SKIP_DIRS = new Set(['node_modules', 'target', '.git', 'validate']);
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Every directory under root holding a kustomization, with its parsed content. */
function findKustomizations(root) {
  const found = [];
  const walk = (dir) => {
    const file = KUSTOMIZATION_FILES.map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
    if (file) found.push({ dir, file, spec: YAML.parse(fs.readFileSync(file, 'utf8')) ?? {} });
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !SKIP_DIRS.has(entry.name)) walk(path.join(dir, entry.name));
    }
  };
  walk(root);
  return found;
}

function kustomize(kubectl, dir) {
  try {
    return execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if (e.code === 'ENOENT') throw new Error(`cannot run ${kubectl}: install kubectl (>= 1.27, with kustomize v5) or pass --kubectl`);
    throw new Error(`kubectl kustomize ${dir} failed: ${(e.stderr || e.message).trim()}`);
  }
}

function parseObjects(yamlText, source) {
  const objs = [];
  for (const doc of YAML.parseAllDocuments(yamlText)) {
    if (doc.errors.length > 0) throw new Error(`${source}: YAML: ${doc.errors[0].message}`);
    const obj = doc.toJS();
    if (obj !== null && obj !== undefined) objs.push(obj);
  }
  return objs;
}

/** Schema-validates each object and runs the cross-object checks. */
function validateBuild(objs, registry) {
  const errors = [];
  for (const obj of objs) {
    const id = `${obj?.kind ?? '?'} ${obj?.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj?.metadata?.name ?? '?'}`;
    for (const e of validateObject(obj, registry)) errors.push(`${id}: ${e}`);
  }
  if (errors.length === 0) errors.push(...checkBuild(objs, policy.kubernetes, isClusterScoped));
  return errors;
}

function summary(objs) {
  const counts = {};
  for (const o of objs) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
  return Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ');
}

function composeChecks(file) {
  const errors = validateCompose(file, policy.compose);
  const compose = loadCompose(file);
  const dockerfiles = new Set();
  for (const svc of Object.values(compose.services ?? {})) {
    if (svc?.build && typeof svc.build === 'object') {
      dockerfiles.add(path.resolve(path.dirname(file), svc.build.context ?? '.', svc.build.dockerfile ?? 'Dockerfile'));
    }
  }
  for (const df of dockerfiles) {
    if (fs.existsSync(df)) errors.push(...lintDockerfile(path.relative(path.resolve(here, '../..'), df), fs.readFileSync(df, 'utf8')));
  }
  return { errors, dockerfiles: [...dockerfiles] };
}

/** `docker compose` (v2 plugin) or `docker-compose` (v1), if installed: `config` needs no daemon. */
function composeCli() {
  for (const cli of [['docker', 'compose'], ['docker-compose']]) {
    const r = spawnSync(cli[0], [...cli.slice(1), 'version'], { encoding: 'utf8' });
    if (r.status === 0) return cli;
  }
  return null;
}

/** The compose one-shot `kafka-init` must create every topic of the inventory with its partitions, retention and cleanup policy. */
function composeTopicsMatch(compose) {
  const errors = [];
  const init = compose.services?.['kafka-init'];
  const script = [].concat(init?.command ?? []).join('\n');
  const created = new Map([...script.matchAll(/^\s*create\s+(\S+)\s+(\d+)\s+(\d+)\s+(\S+)/gm)]
    .map((m) => [m[1], { partitions: Number(m[2]), retentionMs: Number(m[3]), cleanupPolicy: m[4] }]));
  for (const t of inventory) {
    const c = created.get(t.name);
    if (!c) { errors.push(`kafka-init does not create ${t.name}`); continue; }
    for (const k of ['partitions', 'retentionMs', 'cleanupPolicy']) {
      if (c[k] !== t[k]) errors.push(`kafka-init creates ${t.name} with ${k} ${c[k]}, the inventory says ${t[k]}`);
    }
  }
  return errors;
}

async function runAll(opts) {
  const registry = await loadRegistry();
  let passed = 0;
  let failed = 0;
  const report = (ok, label, errors = []) => {
    if (ok) { passed++; console.log(`OK    ${label}`); } else {
      failed++;
      console.log(`FAIL  ${label}`);
      for (const e of errors) console.log(`        ${e}`);
    }
  };
  const rendered = new Map();
  const kustomizations = findKustomizations(opts.root);
  const components = kustomizations.filter((k) => k.spec.kind === 'Component');
  const builds = kustomizations.filter((k) => k.spec.kind !== 'Component');
  if (builds.length === 0) report(false, `no kustomization found under ${opts.root}`);
  for (const k of builds) {
    const rel = path.relative(opts.root, k.dir) || '.';
    let objs;
    try {
      const text = kustomize(opts.kubectl, k.dir);
      if (opts.out) {
        fs.mkdirSync(opts.out, { recursive: true });
        fs.writeFileSync(path.join(opts.out, `${rel.replaceAll('/', '_')}.yaml`), text);
      }
      objs = parseObjects(text, rel);
    } catch (e) {
      report(false, `${rel}: render`, [e.message]);
      continue;
    }
    const errors = objs.length === 0 ? ['renders no objects'] : validateBuild(objs, registry);
    report(errors.length === 0, `${rel} (${summary(objs)})`, errors);
    rendered.set(rel, objs);
  }
  // Components cannot be rendered alone: each must be used by a rendered
  // kustomization (an example), or it would escape validation.
  for (const c of components) {
    const used = kustomizations.some((k) => (k.spec.components ?? []).some((ref) => path.resolve(k.dir, ref) === c.dir));
    report(used, `component ${path.relative(opts.root, c.dir)} is rendered by some kustomization`,
      used ? [] : ['no kustomization lists it under components: add an example under k8s/examples/']);
  }
  if (fs.existsSync(opts.compose)) {
    const { errors, dockerfiles } = composeChecks(opts.compose);
    report(errors.length === 0, `${path.relative(path.resolve(opts.root, '..'), opts.compose)} (+ ${dockerfiles.length} Dockerfiles)`, errors);
    const cli = composeCli();
    if (cli) {
      const args = [...cli.slice(1), '-f', opts.compose, '--profile', 'gpu', 'config', '-q'];
      const r = spawnSync(cli[0], args, { encoding: 'utf8' });
      report(r.status === 0, `${cli.join(' ')} config -q accepts the compose file (all profiles)`, [(r.stderr || r.stdout || '').trim()]);
    } else {
      console.log('SKIP  docker compose config: neither `docker compose` nor `docker-compose` is installed');
    }
    const topicErrors = composeTopicsMatch(loadCompose(opts.compose));
    report(topicErrors.length === 0, 'docker-compose kafka-init creates the inventory\'s topics (partitions, retention, cleanup policy)', topicErrors);
  } else {
    report(false, `${opts.compose} is missing`);
  }
  console.log(`k8s-validate: ${passed} passed, ${failed} failed`);
  return failed === 0;
}

// ---------------------------------------------------------------- self-test

function pointer(obj, ptr) {
  const segs = ptr.split('/').slice(1).map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  const last = segs.pop();
  let parent = obj;
  for (const s of segs) {
    if (parent === null || typeof parent !== 'object' || !(s in parent)) throw new Error(`path ${ptr} does not exist`);
    parent = parent[s];
  }
  if (parent === null || typeof parent !== 'object') throw new Error(`path ${ptr} does not exist`);
  return { parent, last };
}

/** Applies one mutation (set / delete / rename / replaceIn a string, at a JSON pointer) in place. */
function mutate(target, m) {
  if (m.set) {
    const { parent, last } = pointer(target, m.set.path);
    parent[last] = m.set.value;
  }
  if (m.delete) {
    const { parent, last } = pointer(target, m.delete);
    if (!(last in parent)) throw new Error(`path ${m.delete} does not exist`);
    if (Array.isArray(parent)) parent.splice(Number(last), 1); else delete parent[last];
  }
  if (m.replaceIn) {
    const { parent, last } = pointer(target, m.replaceIn.path);
    if (typeof parent[last] !== 'string') throw new Error(`path ${m.replaceIn.path} is not a string`);
    const replaced = parent[last].replace(new RegExp(m.replaceIn.pattern, 'gm'), m.replaceIn.with);
    if (replaced === parent[last]) throw new Error(`pattern ${m.replaceIn.pattern} matches nothing at ${m.replaceIn.path}`);
    parent[last] = replaced;
  }
  if (m.rename) {
    const { parent, last } = pointer(target, m.rename.path);
    if (!(last in parent)) throw new Error(`path ${m.rename.path} does not exist`);
    parent[m.rename.to] = parent[last];
    delete parent[last];
  }
}

async function runSelfTest(opts) {
  const registry = await loadRegistry();
  const suite = YAML.parse(fs.readFileSync(path.join(here, 'selftest/mutations.yaml'), 'utf8'));
  let passed = 0;
  let failed = 0;
  const expectFailure = (label, errors, expect) => {
    const hit = errors.some((e) => e.includes(expect));
    if (hit) { passed++; console.log(`OK    rejects: ${label}`); } else {
      failed++;
      console.log(`FAIL  not rejected as expected: ${label}`);
      console.log(`        expected an error containing: ${expect}`);
      for (const e of errors.length ? errors : ['(no error at all)']) console.log(`        got: ${e}`);
    }
  };

  // Kubernetes: each real build must pass, each of its mutations must fail.
  for (const target of suite.kubernetes) {
    const build = path.join(opts.root, target.build);
    const pristine = parseObjects(kustomize(opts.kubectl, build), target.build);
    const baseline = validateBuild(pristine, registry);
    if (baseline.length === 0) { passed++; console.log(`OK    ${target.build} is valid before mutation`); } else {
      failed++;
      console.log(`FAIL  ${target.build} must be valid before mutation:`);
      for (const e of baseline) console.log(`        ${e}`);
    }
    for (const m of target.mutations ?? []) {
      const objs = structuredClone(pristine);
      const obj = objs.find((o) => o.kind === m.select.kind && (o.metadata?.name === m.select.name
        || (m.select.namePrefix !== undefined && o.metadata?.name?.startsWith(m.select.namePrefix))));
      let errors;
      try {
        if (!obj) throw new Error(`no ${m.select.kind} ${m.select.name ?? `${m.select.namePrefix}*`} in ${target.build}`);
        mutate(obj, m);
        errors = validateBuild(objs, registry);
      } catch (e) {
        errors = [`mutation could not be applied: ${e.message}`];
      }
      expectFailure(`${target.build}: ${m.name}`, errors, m.expect);
    }
    // Documents added to the build that must make it fail.
    for (const m of target.documents ?? []) {
      expectFailure(`${target.build}: ${m.name}`, validateBuild([...structuredClone(pristine), ...parseObjects(m.yaml, m.name)], registry), m.expect);
    }
  }

  // A kustomization that does not render must fail the build.
  const broken = path.join(here, 'selftest/broken-kustomization');
  let renderError = [];
  try { kustomize(opts.kubectl, broken); } catch (e) { renderError = [e.message]; }
  expectFailure('kustomization referencing a missing resource', renderError, suite.kustomizeFailure.expect);

  // Compose: the real file must pass, each mutation must fail.
  const compose = loadCompose(opts.compose);
  const composeBaseline = validateCompose(opts.compose, policy.compose, compose);
  if (composeBaseline.length === 0) { passed++; console.log('OK    docker-compose.yml is valid before mutation'); } else {
    failed++;
    console.log('FAIL  docker-compose.yml must be valid before mutation:');
    for (const e of composeBaseline) console.log(`        ${e}`);
  }
  for (const m of suite.compose.mutations) {
    const copy = structuredClone(compose);
    let errors;
    try {
      mutate(copy, m);
      errors = [...validateCompose(opts.compose, policy.compose, copy), ...composeTopicsMatch(copy)];
    } catch (e) {
      errors = [`mutation could not be applied: ${e.message}`];
    }
    expectFailure(`compose: ${m.name}`, errors, m.expect);
  }

  // Dockerfiles: removing a required instruction must be caught.
  for (const m of suite.dockerfiles.mutations) {
    const file = path.resolve(here, m.file);
    const text = fs.readFileSync(file, 'utf8');
    const before = lintDockerfile(m.file, text);
    const mutated = m.replace
      ? text.replace(new RegExp(m.replace.pattern, 'gm'), m.replace.with)
      : text.replace(new RegExp(m.removeLinesMatching, 'gm'), '');
    const errors = mutated === text ? ['mutation removed nothing'] : lintDockerfile(m.file, mutated);
    if (before.length > 0) errors.unshift(...before.map((e) => `(already invalid) ${e}`));
    expectFailure(`${path.basename(m.file)}: ${m.name}`, before.length ? ['(baseline invalid)'] : errors, m.expect);
  }

  console.log(`self-test: ${passed} passed, ${failed} failed`);
  return failed === 0;
}

try {
  const opts = parseArgs(process.argv.slice(2));
  const ok = opts.selfTest ? await runSelfTest(opts) : await runAll(opts);
  process.exitCode = ok ? 0 : 1;
} catch (e) {
  console.error(`error: ${e.message}`);
  process.exitCode = 2;
}
