// Cross-object checks on one rendered kustomization (a "build"): things no
// single schema can see, plus the rules this project relies on (see
// k8s/README.md). Each check returns error strings; the build fails on any.

// KEDA kafka scaler trigger metadata (KEDA 2.16+ typed config; `<x>FromEnv`
// is accepted for parameters marked resolvedEnv in KEDA's kafka scaler).
const KAFKA_TRIGGER_KEYS = new Set([
  'bootstrapServers', 'bootstrapServersFromEnv', 'consumerGroup', 'consumerGroupFromEnv',
  'topic', 'topicFromEnv', 'partitionLimitation', 'lagThreshold', 'activationLagThreshold',
  'offsetResetPolicy', 'allowIdleConsumers', 'excludePersistentLag', 'scaleToZeroOnInvalidOffset',
  'limitToPartitionsWithLag', 'ensureEvenDistributionOfPartitions', 'version', 'tls', 'unsafeSsl',
  'sasl', 'saslTokenProvider', 'awsRegion',
]);
// Parameters the kafka scaler reads from a TriggerAuthentication.
const KAFKA_AUTH_PARAMS = new Set([
  'tls', 'ca', 'cert', 'key', 'keyPassword', 'sasl', 'username', 'password', 'saslTokenProvider',
  'scopes', 'oauthTokenEndpointUri', 'oauthExtensions', 'keytab', 'realm', 'kerberosConfig',
  'kerberosServiceName', 'kerberosDisableFAST',
]);
const BOOLEAN_TRIGGER_KEYS = ['allowIdleConsumers', 'excludePersistentLag', 'scaleToZeroOnInvalidOffset',
  'limitToPartitionsWithLag', 'ensureEvenDistributionOfPartitions', 'unsafeSsl'];

// Kafka topic-level configs (Apache Kafka 4.x "Topic Configs"), for
// KafkaTopic.spec.config, which the CRD leaves free-form.
const KAFKA_TOPIC_CONFIGS = new Set([
  'cleanup.policy', 'compression.gzip.level', 'compression.lz4.level', 'compression.type',
  'compression.zstd.level', 'delete.retention.ms', 'file.delete.delay.ms', 'flush.messages',
  'flush.ms', 'follower.replication.throttled.replicas', 'index.interval.bytes',
  'leader.replication.throttled.replicas', 'local.retention.bytes', 'local.retention.ms',
  'max.compaction.lag.ms', 'max.message.bytes', 'message.timestamp.after.max.ms',
  'message.timestamp.before.max.ms', 'message.timestamp.type', 'min.cleanable.dirty.ratio',
  'min.compaction.lag.ms', 'min.insync.replicas', 'preallocate', 'remote.storage.enable',
  'retention.bytes', 'retention.ms', 'segment.bytes', 'segment.index.bytes', 'segment.jitter.ms',
  'segment.ms', 'unclean.leader.election.enable', 'message.downconversion.enable',
  'remote.log.copy.disable', 'remote.log.delete.on.disable',
]);
const NUMERIC_TOPIC_CONFIGS = /(\.ms|\.bytes|\.messages|replicas|\.level|\.ratio)$/;

const key = (o) => `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
const ofKind = (objs, kind, group) => objs.filter((o) => o.kind === kind && (!group || o.apiVersion.startsWith(group)));
const matches = (selector, labels) => !!selector && Object.keys(selector).length > 0
  && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
const podTemplates = (objs) => ofKind(objs, 'Deployment', 'apps/').map((d) => ({ d, tpl: d.spec?.template }));

/** Env of a container as KEDA resolves it: env values + envFrom ConfigMaps of the build. */
function resolvedEnv(container, ns, objs) {
  const env = {};
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) {
      const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === from.configMapRef.name && o.metadata?.namespace === ns);
      for (const [k, v] of Object.entries(cm?.data ?? {})) env[(from.prefix ?? '') + k] = v;
    }
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.configMapKeyRef) {
      const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === e.valueFrom.configMapKeyRef.name && o.metadata?.namespace === ns);
      if (cm?.data?.[e.valueFrom.configMapKeyRef.key] !== undefined) env[e.name] = cm.data[e.valueFrom.configMapKeyRef.key];
    } else {
      env[e.name] = undefined; // secret / fieldRef: exists, value unknown here
    }
  }
  return env;
}

function checkGeneric(objs, errors, isClusterScoped) {
  const seen = new Set();
  for (const o of objs) {
    const id = key(o);
    if (seen.has(id)) errors.push(`${id}: duplicate object`);
    seen.add(id);
    if (!o.metadata?.name) errors.push(`${o.kind}: metadata.name is required`);
    const namespaced = !isClusterScoped(`${o.apiVersion}/${o.kind}`);
    if (namespaced && !o.metadata?.namespace) errors.push(`${o.kind}/${o.metadata?.name}: namespaced object without metadata.namespace`);
    if (!namespaced && o.metadata?.namespace) errors.push(`${o.kind}/${o.metadata?.name}: cluster-scoped object with a namespace`);
  }
}

function checkDeployments(objs, errors, policy) {
  const scaled = new Set(ofKind(objs, 'ScaledObject', 'keda.sh/').map((s) => `${s.metadata.namespace}/${s.spec?.scaleTargetRef?.name}`));
  for (const { d, tpl } of podTemplates(objs)) {
    const id = `Deployment ${d.metadata.namespace}/${d.metadata.name}`;
    const pod = tpl?.spec ?? {};
    if (!matches(d.spec?.selector?.matchLabels, tpl?.metadata?.labels)) errors.push(`${id}: spec.selector.matchLabels do not match the pod template labels`);
    if (scaled.has(`${d.metadata.namespace}/${d.metadata.name}`) && d.spec?.replicas !== undefined) {
      errors.push(`${id}: spec.replicas is set but KEDA owns the replica count (remove it)`);
    }
    if (pod.terminationGracePeriodSeconds === undefined) errors.push(`${id}: terminationGracePeriodSeconds must be set explicitly`);
    const minGrace = policy.minTerminationGracePeriodSeconds?.[d.metadata.name];
    if (minGrace !== undefined && !(pod.terminationGracePeriodSeconds >= minGrace)) {
      errors.push(`${id}: terminationGracePeriodSeconds must be >= ${minGrace} (time to checkpoint)`);
    }
    if (pod.securityContext?.runAsNonRoot !== true) errors.push(`${id}: pod securityContext.runAsNonRoot must be true`);
    let usesGpu = false;
    for (const c of pod.containers ?? []) {
      const cid = `${id} container ${c.name}`;
      for (const kind of ['requests', 'limits']) {
        for (const r of ['cpu', 'memory']) {
          if (c.resources?.[kind]?.[r] === undefined) errors.push(`${cid}: resources.${kind}.${r} is required`);
        }
      }
      const gpuReq = c.resources?.requests?.['nvidia.com/gpu'];
      const gpuLim = c.resources?.limits?.['nvidia.com/gpu'];
      if (gpuReq !== undefined || gpuLim !== undefined) {
        usesGpu = true;
        if (gpuLim === undefined) errors.push(`${cid}: nvidia.com/gpu must be set in resources.limits`);
        if (gpuReq !== undefined && String(gpuReq) !== String(gpuLim)) errors.push(`${cid}: nvidia.com/gpu request must equal its limit`);
      }
      const ports = new Set((c.ports ?? []).map((p) => p.name).filter(Boolean));
      for (const [probe, path] of Object.entries(policy.probes ?? {})) {
        const p = c[probe];
        if (!p) { errors.push(`${cid}: ${probe} is required`); continue; }
        if (p.httpGet?.path !== path) errors.push(`${cid}: ${probe} must be an httpGet on ${path}`);
        if (typeof p.httpGet?.port === 'string' && !ports.has(p.httpGet.port)) errors.push(`${cid}: ${probe} uses unknown port name "${p.httpGet.port}"`);
      }
      if (c.securityContext?.allowPrivilegeEscalation !== false) errors.push(`${cid}: securityContext.allowPrivilegeEscalation must be false`);
      for (const from of c.envFrom ?? []) {
        if (from.configMapRef && !objs.some((o) => o.kind === 'ConfigMap' && o.metadata?.name === from.configMapRef.name && o.metadata?.namespace === d.metadata.namespace)) {
          errors.push(`${cid}: envFrom references ConfigMap ${from.configMapRef.name}, which is not part of this build`);
        }
      }
      const env = resolvedEnv(c, d.metadata.namespace, objs);
      for (const name of policy.requiredEnv?.[d.metadata.name] ?? []) {
        if (!(name in env)) errors.push(`${cid}: environment variable ${name} is not set`);
      }
    }
    if (usesGpu) {
      const tolerates = (pod.tolerations ?? []).some((t) => t.key === 'nvidia.com/gpu' && (t.operator === 'Exists' || t.value !== undefined));
      if (!tolerates) errors.push(`${id}: requests nvidia.com/gpu but does not tolerate the nvidia.com/gpu taint`);
      if (!pod.nodeSelector && !pod.affinity?.nodeAffinity) errors.push(`${id}: requests nvidia.com/gpu but has no nodeSelector/nodeAffinity for GPU nodes`);
    }
  }
}

function checkSelectors(objs, errors) {
  const templates = podTemplates(objs);
  for (const svc of ofKind(objs, 'Service')) {
    const id = `Service ${svc.metadata.namespace}/${svc.metadata.name}`;
    const targets = templates.filter(({ d, tpl }) => d.metadata.namespace === svc.metadata.namespace && matches(svc.spec?.selector, tpl?.metadata?.labels));
    if (targets.length === 0) { errors.push(`${id}: selector matches no Deployment's pods`); continue; }
    for (const port of svc.spec?.ports ?? []) {
      if (typeof port.targetPort !== 'string') continue;
      for (const { d, tpl } of targets) {
        const names = (tpl.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => p.name));
        if (!names.includes(port.targetPort)) errors.push(`${id}: targetPort "${port.targetPort}" is not a container port of Deployment ${d.metadata.name}`);
      }
    }
  }
  for (const pdb of ofKind(objs, 'PodDisruptionBudget', 'policy/')) {
    const id = `PodDisruptionBudget ${pdb.metadata.namespace}/${pdb.metadata.name}`;
    if (!templates.some(({ d, tpl }) => d.metadata.namespace === pdb.metadata.namespace && matches(pdb.spec?.selector?.matchLabels, tpl?.metadata?.labels))) {
      errors.push(`${id}: selector matches no Deployment's pods`);
    }
  }
  for (const sm of ofKind(objs, 'ServiceMonitor', 'monitoring.coreos.com/')) {
    const id = `ServiceMonitor ${sm.metadata.namespace}/${sm.metadata.name}`;
    const namespaces = sm.spec?.namespaceSelector?.matchNames ?? [sm.metadata.namespace];
    const services = ofKind(objs, 'Service').filter((s) => namespaces.includes(s.metadata.namespace) && matches(sm.spec?.selector?.matchLabels, s.metadata.labels));
    if (services.length === 0) { errors.push(`${id}: selector matches no Service`); continue; }
    for (const ep of sm.spec?.endpoints ?? []) {
      for (const s of services) {
        if (ep.port && !(s.spec?.ports ?? []).some((p) => p.name === ep.port)) errors.push(`${id}: endpoint port "${ep.port}" is not a port of Service ${s.metadata.name}`);
      }
    }
  }
}

function topicsOf(objs) {
  const topics = new Map();
  for (const t of ofKind(objs, 'KafkaTopic', 'kafka.strimzi.io/')) topics.set(t.spec?.topicName ?? t.metadata.name, t);
  return topics;
}

function checkKafkaTopics(objs, errors, policy) {
  for (const t of ofKind(objs, 'KafkaTopic', 'kafka.strimzi.io/')) {
    const id = `KafkaTopic ${t.metadata.namespace}/${t.metadata.name}`;
    if (!t.metadata.labels?.['strimzi.io/cluster']) errors.push(`${id}: label strimzi.io/cluster is required (the Topic Operator ignores the topic otherwise)`);
    if (t.spec?.partitions === undefined) errors.push(`${id}: spec.partitions must be set explicitly`);
    if (t.spec?.replicas === undefined) errors.push(`${id}: spec.replicas must be set explicitly`);
    for (const [k, v] of Object.entries(t.spec?.config ?? {})) {
      if (!KAFKA_TOPIC_CONFIGS.has(k)) errors.push(`${id}: spec.config has unknown Kafka topic config "${k}"`);
      else if (NUMERIC_TOPIC_CONFIGS.test(k) && !/^-?\d+(\.\d+)?$/.test(String(v))) errors.push(`${id}: spec.config.${k} must be numeric, got "${v}"`);
    }
    const minIsr = Number(t.spec?.config?.['min.insync.replicas'] ?? 1);
    if (t.spec?.replicas !== undefined && minIsr > t.spec.replicas) errors.push(`${id}: min.insync.replicas (${minIsr}) > replicas (${t.spec.replicas}): producers with acks=all would always fail`);
  }
  for (const u of ofKind(objs, 'KafkaUser', 'kafka.strimzi.io/')) {
    if (!u.metadata.labels?.['strimzi.io/cluster']) errors.push(`KafkaUser ${u.metadata.namespace}/${u.metadata.name}: label strimzi.io/cluster is required (the User Operator ignores the user otherwise)`);
  }
  // Every topic of the inventory (topics.json, generated from dev.pix2pix.msg.Topics) is declared
  // with the inventory's partitions, retention and cleanup policy; replicas may differ per cluster.
  if (ofKind(objs, 'KafkaTopic', 'kafka.strimzi.io/').length === 0) return;
  const topics = topicsOf(objs);
  for (const inv of policy.inventory ?? []) {
    const t = topics.get(inv.name);
    if (!t) { errors.push(`KafkaTopic for topic ${inv.name} is missing (the inventory dev.pix2pix.msg.Topics declares it)`); continue; }
    const id = `KafkaTopic ${t.metadata.namespace}/${t.metadata.name}`;
    if (t.spec?.partitions !== inv.partitions) errors.push(`${id}: ${t.spec?.partitions} partitions, the inventory says ${inv.partitions}`);
    const cfg = t.spec?.config ?? {};
    if (String(cfg['retention.ms']) !== String(inv.retentionMs)) errors.push(`${id}: retention.ms ${cfg['retention.ms']}, the inventory says ${inv.retentionMs}`);
    if (String(cfg['cleanup.policy']) !== inv.cleanupPolicy) errors.push(`${id}: cleanup.policy ${cfg['cleanup.policy']}, the inventory says ${inv.cleanupPolicy}`);
  }
  const known = new Set((policy.inventory ?? []).map((i) => i.name));
  for (const [name, t] of topics) {
    if (name.startsWith('pix2pix.') && !known.has(name)) errors.push(`KafkaTopic ${t.metadata.namespace}/${t.metadata.name}: topic ${name} is not in the inventory dev.pix2pix.msg.Topics (nobody uses it)`);
  }
}

/** The inventory's topics a party uses, with the names its Deployment's env gives them. */
function usedTopics(policy, party, env) {
  const used = [];
  for (const inv of policy.inventory ?? []) {
    const produces = (inv.producers ?? []).includes(party);
    const reader = (inv.readers ?? []).find((r) => r.party === party);
    if (!produces && !reader) continue;
    const fromEnv = env?.[inv.env];
    used.push({ inv, name: typeof fromEnv === 'string' && fromEnv !== '' ? fromEnv : inv.name, produces, reader });
  }
  return used;
}

const workerDeployments = (objs, policy) => ofKind(objs, 'Deployment', 'apps/')
  .filter((d) => (policy.inventory ?? []).some((i) => (i.producers ?? []).includes(d.metadata.name) || (i.readers ?? []).some((r) => r.party === d.metadata.name)));

/**
 * Each worker consumes and produces only declared topics (the names its env resolves to), and does
 * not create topics itself where KafkaTopics declare them (requiredEnvValues).
 */
function checkWorkerTopics(objs, errors, policy) {
  const topics = topicsOf(objs);
  for (const d of workerDeployments(objs, policy)) {
    const id = `Deployment ${d.metadata.namespace}/${d.metadata.name}`;
    const container = (d.spec?.template?.spec?.containers ?? [])[0];
    const env = container ? resolvedEnv(container, d.metadata.namespace, objs) : {};
    for (const [name, value] of Object.entries(policy.requiredEnvValues?.[d.metadata.name] ?? {})) {
      if (env[name] !== value) errors.push(`${id}: environment variable ${name} must be "${value}", got ${env[name] === undefined ? 'none' : `"${env[name]}"`}`);
    }
    if (topics.size === 0) continue;
    for (const u of usedTopics(policy, d.metadata.name, env)) {
      if (!topics.has(u.name)) {
        const verb = u.produces && u.reader ? 'produces and consumes' : u.produces ? 'produces' : 'consumes';
        errors.push(`${id}: ${verb} topic ${u.name} (${u.inv.env}), which no KafkaTopic declares`);
      }
    }
  }
}

// Kafka ACL semantics (AclAuthorizer / StandardAuthorizer): All covers every operation; Read, Write,
// Delete and Alter imply Describe; AlterConfigs implies DescribeConfigs. A matching deny wins.
const IMPLIES = { Describe: ['Read', 'Write', 'Delete', 'Alter'], DescribeConfigs: ['AlterConfigs'] };
const aclMatches = (acl, type, name) => {
  const r = acl.resource ?? {};
  if (r.type !== type) return false;
  if (r.name === '*') return true;
  return (r.patternType ?? 'literal') === 'prefix' ? name.startsWith(r.name) : r.name === name;
};
/** Does `user` allow `op` on the resource? `prefixOnly`: name is a prefix completed at run time (a per-replica group). */
function allows(user, type, name, op, prefixOnly = false) {
  const acls = (user.spec?.authorization?.acls ?? []).filter((a) => {
    if (!aclMatches(a, type, name)) return false;
    // a literal ACL cannot cover names completed at run time
    return !prefixOnly || a.resource.name === '*' || (a.resource.patternType ?? 'literal') === 'prefix';
  });
  const grants = (a) => {
    const ops = a.operations ?? (a.operation ? [a.operation] : []);
    return ops.includes('All') || ops.includes(op) || (IMPLIES[op] ?? []).some((o) => ops.includes(o));
  };
  if (acls.some((a) => a.type === 'deny' && grants(a))) return false;
  return acls.some((a) => (a.type ?? 'allow') === 'allow' && grants(a));
}

/**
 * The KafkaUser of each party (policy.kafkaUsers) allows everything the party does according to the
 * inventory (Read on what it consumes and on its groups, Write on what it produces, Describe on all
 * of them), and nothing more: each allowed operation must be needed by some use.
 */
function checkKafkaUsers(objs, errors, policy) {
  const users = ofKind(objs, 'KafkaUser', 'kafka.strimzi.io/');
  if (users.length === 0) return;
  const needs = new Map(); // party -> [{type, name, op, prefixOnly}]
  const need = (party, type, name, op, prefixOnly = false) => {
    if (!needs.has(party)) needs.set(party, []);
    needs.get(party).push({ type, name, op, prefixOnly });
  };
  const deployments = new Map(ofKind(objs, 'Deployment', 'apps/').map((d) => [d.metadata.name, d]));
  for (const party of Object.keys(policy.kafkaUsers ?? {})) {
    if (party === 'keda') continue;
    const d = deployments.get(party);
    const container = d ? (d.spec?.template?.spec?.containers ?? [])[0] : undefined;
    const env = container ? resolvedEnv(container, d.metadata.namespace, objs) : {};
    // each message's outcome is published in a transaction: Write on the party's transactional ids
    const tx = (policy.transactionalIds ?? {})[party];
    if (tx) need(party, 'transactionalId', tx, 'Write', true);
    for (const u of usedTopics(policy, party, env)) {
      need(party, 'topic', u.name, 'Describe');
      if (u.produces) need(party, 'topic', u.name, 'Write');
      if (u.reader) {
        need(party, 'topic', u.name, 'Read');
        if (u.reader.group) need(party, 'group', u.reader.group, 'Read', u.reader.perReplica);
      }
    }
  }
  // KEDA reads the lag of the groups and topics its kafka triggers name.
  for (const so of ofKind(objs, 'ScaledObject', 'keda.sh/')) {
    const target = deployments.get(so.spec?.scaleTargetRef?.name);
    const container = target ? (target.spec?.template?.spec?.containers ?? [])[0] : undefined;
    const env = container ? resolvedEnv(container, target.metadata.namespace, objs) : {};
    for (const trig of so.spec?.triggers ?? []) {
      if (trig.type !== 'kafka' || !trig.authenticationRef) continue;
      const md = trig.metadata ?? {};
      const topic = md.topic ?? env[md.topicFromEnv];
      const group = md.consumerGroup ?? env[md.consumerGroupFromEnv];
      if (topic) need('keda', 'topic', topic, 'Describe');
      if (group) need('keda', 'group', group, 'Describe');
    }
  }
  // Every resource some party uses, and every topic and group of the inventory.
  const known = [];
  const addKnown = (type, name) => { if (!known.some((k) => k.type === type && k.name === name)) known.push({ type, name }); };
  for (const list of needs.values()) for (const n of list) addKnown(n.type, n.name);
  for (const inv of policy.inventory ?? []) {
    addKnown('topic', inv.name);
    for (const r of inv.readers ?? []) if (r.group) addKnown('group', r.group);
  }
  for (const [party, userName] of Object.entries(policy.kafkaUsers ?? {})) {
    const user = users.find((u) => u.metadata.name === userName);
    const wanted = needs.get(party) ?? [];
    if (!user) {
      if (wanted.length > 0) errors.push(`KafkaUser ${userName} (the Kafka identity of ${party}) is missing`);
      continue;
    }
    const id = `KafkaUser ${user.metadata.namespace}/${userName}`;
    for (const n of wanted) {
      if (!allows(user, n.type, n.name, n.op, n.prefixOnly)) {
        errors.push(`${id}: does not allow ${n.op} on ${n.type} ${n.name}${n.prefixOnly ? '* (a prefix ACL: one group per replica)' : ''}, which ${party} needs`);
      }
    }
    // Least privilege: every allowed operation is needed on every known resource the ACL matches
    // (so a prefix such as `pix2pix.` fails when it also opens topics the party does not use).
    for (const acl of user.spec?.authorization?.acls ?? []) {
      if ((acl.type ?? 'allow') !== 'allow') continue;
      const r = acl.resource ?? {};
      const hits = known.filter((k) => k.type === r.type && aclMatches(acl, k.type, k.name));
      for (const op of acl.operations ?? (acl.operation ? [acl.operation] : [])) {
        const needed = (k) => wanted.some((n) => n.type === k.type && n.name === k.name
          && (op === n.op || (op === 'Describe' && n.type === 'topic'))); // an explicit Describe beside Read/Write is fine
        const via = `${r.name} (${r.patternType ?? 'literal'})`;
        if (hits.length === 0) errors.push(`${id}: allows ${op} on ${r.type} ${via}, which ${party} never needs (least privilege)`);
        for (const k of hits.filter((h) => !needed(h))) {
          errors.push(`${id}: allows ${op} on ${k.type} ${k.name} through ${via}, which ${party} never needs (least privilege)`);
        }
      }
    }
  }
}

function checkScaledObjects(objs, errors, policy) {
  const topics = topicsOf(objs);
  for (const so of ofKind(objs, 'ScaledObject', 'keda.sh/')) {
    const ns = so.metadata.namespace;
    const id = `ScaledObject ${ns}/${so.metadata.name}`;
    const ref = so.spec?.scaleTargetRef ?? {};
    if ((ref.kind ?? 'Deployment') !== 'Deployment') { errors.push(`${id}: only Deployment targets are supported here`); continue; }
    const target = ofKind(objs, 'Deployment', 'apps/').find((d) => d.metadata.namespace === ns && d.metadata.name === ref.name);
    if (!target) { errors.push(`${id}: scaleTargetRef Deployment ${ref.name} is not part of this build`); continue; }
    const containers = target.spec?.template?.spec?.containers ?? [];
    const envSource = ref.envSourceContainerName ? containers.find((c) => c.name === ref.envSourceContainerName) : containers[0];
    const env = envSource ? resolvedEnv(envSource, ns, objs) : {};
    const expected = policy.scaledObjects?.[so.metadata.name] ?? {};
    if (so.spec?.minReplicaCount === undefined || so.spec?.maxReplicaCount === undefined) errors.push(`${id}: minReplicaCount and maxReplicaCount must be set explicitly`);
    if (expected.minReplicaCount !== undefined && so.spec?.minReplicaCount !== expected.minReplicaCount) errors.push(`${id}: minReplicaCount must be ${expected.minReplicaCount}`);
    const triggers = so.spec?.triggers ?? [];
    if (triggers.length === 0) errors.push(`${id}: no triggers`);
    const names = triggers.map((t) => t.name).filter(Boolean);
    if (new Set(names).size !== names.length) errors.push(`${id}: trigger names must be unique`);
    for (const name of Object.keys(expected.triggers ?? {})) {
      if (!names.includes(name)) errors.push(`${id}: trigger ${name} is missing`);
    }
    // KEDA caps each kafka trigger (allowIdleConsumers=false) at its topic's
    // partition count and takes the maximum over triggers: replicas beyond the
    // largest of those partition counts can never be requested and would
    // only advertise capacity that does not exist.
    let maxPartitions = 0;
    let partitionsKnown = topics.size > 0;
    for (const [i, trig] of triggers.entries()) {
      const tid = `${id} trigger ${trig.name ?? i}`;
      const want = expected.triggers?.[trig.name] ?? {};
      if (trig.type !== 'kafka') { partitionsKnown = false; continue; }
      const md = trig.metadata ?? {};
      for (const [k, v] of Object.entries(md)) {
        if (!KAFKA_TRIGGER_KEYS.has(k)) errors.push(`${tid}: unknown kafka trigger metadata "${k}"`);
        if (typeof v !== 'string') errors.push(`${tid}: metadata.${k} must be a string (KEDA metadata is map[string]string), got ${typeof v}`);
      }
      const param = (name) => {
        if (md[name] !== undefined) return md[name];
        const envName = md[`${name}FromEnv`];
        if (envName === undefined) return undefined;
        if (!(envName in env)) { errors.push(`${tid}: ${name}FromEnv refers to ${envName}, which is not in the env of Deployment ${ref.name}`); return undefined; }
        return env[envName];
      };
      const bootstrap = param('bootstrapServers');
      const group = param('consumerGroup');
      const topic = param('topic');
      if (!bootstrap && md.bootstrapServersFromEnv === undefined) errors.push(`${tid}: bootstrapServers is required`);
      if (!group) errors.push(`${tid}: consumerGroup is required`);
      if (!topic) errors.push(`${tid}: topic is required here (without it KEDA sums all topics of the group and the partition cap no longer matches a KafkaTopic)`);
      for (const k of BOOLEAN_TRIGGER_KEYS) {
        if (md[k] !== undefined && !['true', 'false'].includes(md[k])) errors.push(`${tid}: ${k} must be "true" or "false"`);
      }
      for (const k of ['lagThreshold', 'activationLagThreshold']) {
        if (md[k] !== undefined && !/^\d+$/.test(md[k])) errors.push(`${tid}: ${k} must be a non-negative integer string`);
      }
      if (md.lagThreshold === '0') errors.push(`${tid}: lagThreshold must be positive`);
      if (md.offsetResetPolicy !== undefined && !['earliest', 'latest'].includes(md.offsetResetPolicy)) errors.push(`${tid}: offsetResetPolicy must be earliest or latest`);
      if (md.sasl !== undefined && !['none', 'plaintext', 'scram_sha256', 'scram_sha512', 'oauthbearer', 'gssapi'].includes(md.sasl)) errors.push(`${tid}: unsupported sasl "${md.sasl}"`);
      if (md.tls !== undefined && !['enable', 'disable'].includes(md.tls)) errors.push(`${tid}: tls must be enable or disable`);
      if (md.allowIdleConsumers !== 'false') errors.push(`${tid}: allowIdleConsumers must be "false" (at most one replica per partition)`);
      if (want.consumerGroup && group && group !== want.consumerGroup) errors.push(`${tid}: consumerGroup must be ${want.consumerGroup}, got ${group}`);
      if (want.topic && topic && topic !== want.topic) errors.push(`${tid}: topic must be ${want.topic}, got ${topic}`);
      if (topic && topics.size > 0) {
        const kt = topics.get(topic);
        if (!kt) { errors.push(`${tid}: topic ${topic} has no KafkaTopic in this build`); partitionsKnown = false; }
        else maxPartitions = Math.max(maxPartitions, kt.spec?.partitions ?? 0);
      }
      if (trig.authenticationRef) {
        const kind = trig.authenticationRef.kind ?? 'TriggerAuthentication';
        const ta = objs.find((o) => o.kind === kind && o.metadata?.name === trig.authenticationRef.name
          && (kind === 'ClusterTriggerAuthentication' || o.metadata?.namespace === ns));
        if (!ta) errors.push(`${tid}: authenticationRef ${kind} ${trig.authenticationRef.name} is not part of this build`);
      }
    }
    if (partitionsKnown && maxPartitions > 0 && so.spec?.maxReplicaCount > maxPartitions) {
      errors.push(`${id}: maxReplicaCount ${so.spec.maxReplicaCount} exceeds the ${maxPartitions} partitions of its largest trigger topic (at most one replica per partition; extra replicas would sit idle)`);
    }
  }
  for (const ta of objs.filter((o) => o.apiVersion?.startsWith('keda.sh/') && /TriggerAuthentication$/.test(o.kind))) {
    const id = `${ta.kind} ${ta.metadata.namespace ?? ''}/${ta.metadata.name}`;
    for (const ref of ta.spec?.secretTargetRef ?? []) {
      if (!KAFKA_AUTH_PARAMS.has(ref.parameter)) errors.push(`${id}: unknown kafka auth parameter "${ref.parameter}"`);
    }
  }
}

/** host:port list -> ports; a URL -> its port (or 443 / 80 by scheme). */
const portsOf = (bootstrap) => String(bootstrap ?? '').split(',').map((h) => Number(h.trim().split(':').pop())).filter((n) => n > 0);
function urlPort(url) {
  try {
    const u = new URL(url);
    return Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  } catch { return undefined; }
}
const selects = (np, labels) => {
  const sel = np.spec?.podSelector ?? {};
  return Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v) && (sel.matchExpressions ?? []).length === 0;
};

/**
 * Least privilege on the network: each worker's pods are selected by a NetworkPolicy restricting both
 * directions; egress only to Kafka (the ports of KAFKA_BOOTSTRAP_SERVERS), S3 (the port of
 * PIX2PIX_S3_ENDPOINT) and DNS, each rule naming its destinations and ports; ingress only from the
 * monitoring namespace to the HTTP port (metrics). Each worker uses its own S3 Secret, and the bucket
 * allow-list is not empty (the workers are fail-closed, the manifests must name buckets).
 */
function checkLeastPrivilege(objs, errors, policy) {
  const np = policy.networkPolicy ?? {};
  const policies = ofKind(objs, 'NetworkPolicy', 'networking.k8s.io/');
  for (const d of ofKind(objs, 'Deployment', 'apps/')) {
    const name = d.metadata.name;
    const id = `Deployment ${d.metadata.namespace}/${name}`;
    const container = (d.spec?.template?.spec?.containers ?? [])[0];
    if (!container) continue;
    const env = resolvedEnv(container, d.metadata.namespace, objs);
    for (const v of policy.nonEmptyEnv ?? []) {
      if (typeof env[v] === 'string' && env[v].trim() === '') errors.push(`${id}: environment variable ${v} must not be empty (the workers refuse to start without it: name the buckets, or "*")`);
    }
    const secret = policy.s3Secrets?.[name];
    if (secret) {
      for (const v of ['PIX2PIX_S3_ACCESS_KEY', 'PIX2PIX_S3_SECRET_KEY']) {
        const ref = (container.env ?? []).find((e) => e.name === v)?.valueFrom?.secretKeyRef;
        if (ref?.name !== secret) errors.push(`${id}: ${v} must come from Secret ${secret} (its own S3 identity), got ${ref?.name ?? 'no secretKeyRef'}`);
      }
    }
    if (!(np.workers ?? []).includes(name)) continue;
    const labels = d.spec?.template?.metadata?.labels ?? {};
    const mine = policies.filter((p) => p.metadata.namespace === d.metadata.namespace && selects(p, labels));
    const both = mine.filter((p) => ['Ingress', 'Egress'].every((t) => (p.spec?.policyTypes ?? []).includes(t)));
    if (both.length === 0) { errors.push(`${id}: no NetworkPolicy with policyTypes Ingress and Egress selects its pods`); continue; }
    const allowed = new Map();
    for (const p of portsOf(env.KAFKA_BOOTSTRAP_SERVERS)) allowed.set(p, `Kafka (KAFKA_BOOTSTRAP_SERVERS)`);
    const s3 = urlPort(env.PIX2PIX_S3_ENDPOINT);
    if (s3) allowed.set(s3, 'S3 (PIX2PIX_S3_ENDPOINT)');
    allowed.set(np.dnsPort ?? 53, 'DNS');
    const reached = new Set();
    const httpPorts = new Set((container.ports ?? []).flatMap((p) => [p.name, p.containerPort]).filter((x) => x !== undefined));
    for (const p of mine) {
      const pid = `NetworkPolicy ${p.metadata.namespace}/${p.metadata.name}`;
      for (const [i, rule] of (p.spec?.egress ?? []).entries()) {
        if (!rule.to || rule.to.length === 0) errors.push(`${pid}: egress rule ${i} allows every destination (name them with to:)`);
        if (!rule.ports || rule.ports.length === 0) errors.push(`${pid}: egress rule ${i} allows every port`);
        for (const port of rule.ports ?? []) {
          if (!allowed.has(port.port)) errors.push(`${pid}: egress port ${port.port} is neither Kafka, S3 nor DNS for ${name} (allowed: ${[...allowed].map(([k, v]) => `${k} ${v}`).join(', ')})`);
          else if (port.endPort !== undefined && port.endPort !== port.port) errors.push(`${pid}: egress port range ${port.port}-${port.endPort} is wider than Kafka, S3 and DNS`);
          else reached.add(port.port);
        }
      }
      for (const [i, rule] of (p.spec?.ingress ?? []).entries()) {
        const from = rule.from ?? [];
        if (from.length === 0) errors.push(`${pid}: ingress rule ${i} admits every source (only the ${np.monitoringNamespace} namespace may scrape)`);
        for (const f of from) {
          const ns = f.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];
          if (f.ipBlock || ns !== np.monitoringNamespace) errors.push(`${pid}: ingress rule ${i} admits other sources than the ${np.monitoringNamespace} namespace`);
        }
        if (!rule.ports || rule.ports.length === 0) errors.push(`${pid}: ingress rule ${i} opens every port`);
        for (const port of rule.ports ?? []) {
          if (!httpPorts.has(port.port)) errors.push(`${pid}: ingress port ${port.port} is not the container's HTTP port (metrics, probes)`);
        }
      }
    }
    for (const [port, what] of allowed) {
      if (!reached.has(port)) errors.push(`${id}: its NetworkPolicy does not allow egress to ${what} on port ${port}`);
    }
  }
}

/** Runs every cross-object check on the objects of one build. */
export function checkBuild(objs, policy, isClusterScoped) {
  const errors = [];
  checkGeneric(objs, errors, isClusterScoped);
  checkDeployments(objs, errors, policy);
  checkSelectors(objs, errors);
  checkKafkaTopics(objs, errors, policy);
  checkWorkerTopics(objs, errors, policy);
  checkKafkaUsers(objs, errors, policy);
  checkLeastPrivilege(objs, errors, policy);
  checkScaledObjects(objs, errors, policy);
  return errors;
}
