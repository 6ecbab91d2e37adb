// Renders every overlay with `kubectl kustomize`, validates each object against the Kubernetes schemas
// bundled in kubernetes-models, and checks the rules a cell must keep (docs/decisions/0026-deployment.md).
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { authConfigSchema } from '../../services/auth/src/config.js';
import { bankConfigSchema } from '../../services/bank/src/config.js';
import { expenseConfigSchema } from '../../services/expense/src/config.js';
import { gamificationConfigSchema } from '../../services/gamification/src/config.js';
import { goalsConfigSchema } from '../../services/goals/src/config.js';
import { notificationConfigSchema } from '../../services/notification/src/config.js';
import { bffConfigSchema } from '../../bff/src/config.js';

const k8sDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const overlays = readdirSync(join(k8sDir, 'overlays'));

/** What the test needs of a service's zod config schema: its fields, each parsable on its own. */
interface ConfigSchema {
  shape: Record<string, { safeParse(value: unknown): { success: boolean; error?: { message: string } } }>;
}

/** Each of our images and the config schema its process parses at start-up. */
const schemas: Record<string, ConfigSchema> = {
  'family/auth': authConfigSchema,
  'family/expense': expenseConfigSchema,
  'family/goals': goalsConfigSchema,
  'family/gamification': gamificationConfigSchema,
  'family/notification': notificationConfigSchema,
  'family/bank': bankConfigSchema,
  'family/bff': bffConfigSchema,
};

/** Settings that are credentials: they may only arrive by reference to a Secret. */
const SECRET_NAME = /(SECRET|PASSWORD|PASS|TOKEN|_KEYS?|CLIENTS|DATABASE_URL|REDIS_URL|MONGODB_URL|SMTP_URL)$/;

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  [key: string]: unknown;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: unknown };
}
interface Container {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string; optional?: boolean } }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface Probe {
  grpc?: { port: number };
  httpGet?: { path: string; port: number | string };
  tcpSocket?: unknown;
  exec?: unknown;
}
interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type: string } };
  volumes?: { name: string; emptyDir?: unknown }[];
}

function kubectl(): string {
  const found = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  if (found.error || found.status !== 0) {
    throw new Error(
      'kubectl is not installed (or does not run): install kubectl 1.27 or newer (it bundles kustomize), ' +
        'e.g. `apt-get install kubectl`, to render and check k8s/overlays',
    );
  }
  return 'kubectl';
}

function render(overlay: string): K8sObject[] {
  const text = execFileSync(kubectl(), ['kustomize', join(k8sDir, 'overlays', overlay)], { encoding: 'utf8' });
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) throw doc.errors[0];
    return doc.toJS() as K8sObject;
  });
}

/** The kubernetes-models module holding an apiVersion's classes ("apps/v1" → kubernetes-models/apps/v1). */
async function modelFor(object: K8sObject): Promise<new (data: unknown) => { validate(): void }> {
  const mod = (await import(`kubernetes-models/${object.apiVersion}`)) as Record<string, unknown>;
  const model = mod[object.kind];
  if (typeof model !== 'function') throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  return model as new (data: unknown) => { validate(): void };
}

const podSpecOf = (o: K8sObject) => (o.spec as { template: { spec: PodSpec } }).template.spec;
const labelsOf = (o: K8sObject) =>
  (o.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
const imageName = (image: string) => image.replace(/:[^/:]+$/, '');

for (const overlay of overlays) {
  describe(`k8s overlay ${overlay}`, function () {
    let objects: K8sObject[];
    let workloads: K8sObject[];
    const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
    const configMap = (name: string) => byKind('ConfigMap').find((c) => c.metadata.name === name);

    before(function () {
      objects = render(overlay);
      workloads = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
    });

    it('renders objects that all match the Kubernetes schemas', async function () {
      expect(objects.length).to.be.greaterThan(0);
      for (const object of objects) {
        const Model = await modelFor(object);
        try {
          new Model(object).validate();
        } catch (err) {
          throw new Error(`${object.kind}/${object.metadata.name}: ${(err as Error).message}`);
        }
      }
    });

    it(`is a complete cell: every service, the BFF in both modes and its own stores, in region ${overlay}`, function () {
      const names = workloads.map((w) => w.metadata.name).sort();
      expect(names).to.have.members([
        'auth',
        'bank',
        'bff-api',
        'bff-worker',
        'expense',
        'gamification',
        'goals',
        'mongodb',
        'notification',
        'postgres',
        'redis',
      ]);
      for (const object of objects.filter((o) => o.kind !== 'Namespace')) {
        expect(object.metadata.namespace, `${object.kind}/${object.metadata.name}`).to.equal(`family-${overlay}`);
      }
      const cell = byKind('ConfigMap').find((c) => c.metadata.name.startsWith('cell-config'));
      expect(cell?.data?.REGION).to.equal(overlay);
    });

    it('keeps Redis durable for the queues: AOF on and noeviction', function () {
      const conf = configMap('redis-config')?.data?.['redis.conf'] ?? '';
      expect(conf).to.match(/^appendonly yes$/m);
      expect(conf).to.match(/^maxmemory-policy noeviction$/m);
    });

    it('hardens every pod: non-root, seccomp RuntimeDefault, read-only root, no capabilities, a writable /tmp', function () {
      for (const w of workloads) {
        const pod = podSpecOf(w);
        const where = `${w.kind}/${w.metadata.name}`;
        expect(pod.securityContext?.runAsNonRoot, where).to.equal(true);
        expect(pod.securityContext?.seccompProfile?.type, where).to.equal('RuntimeDefault');
        for (const c of pod.containers) {
          expect(c.securityContext?.readOnlyRootFilesystem, `${where} ${c.name}`).to.equal(true);
          expect(c.securityContext?.allowPrivilegeEscalation, `${where} ${c.name}`).to.equal(false);
          expect(c.securityContext?.capabilities?.drop, `${where} ${c.name}`).to.include('ALL');
          const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
          expect(tmp, `${where} ${c.name} mounts /tmp`).to.not.equal(undefined);
          expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir, `${where} /tmp is an emptyDir`).to.not.equal(
            undefined,
          );
        }
      }
    });

    it('gives every container requests and limits for CPU and memory, and an image pinned by version', function () {
      for (const w of workloads) {
        for (const c of podSpecOf(w).containers) {
          const where = `${w.metadata.name} ${c.name}`;
          for (const kind of ['requests', 'limits'] as const) {
            expect(c.resources?.[kind], `${where} ${kind}`).to.include.keys('cpu', 'memory');
          }
          expect(c.image, where).to.match(/:v?\d+\.\d+(\.\d+)?[\w.-]*$|@sha256:[0-9a-f]{64}$/);
        }
      }
    });

    it('probes services over grpc.health.v1 and the BFF over HTTP', function () {
      for (const w of workloads) {
        for (const c of podSpecOf(w).containers) {
          const where = `${w.metadata.name} ${c.name}`;
          expect(c.readinessProbe, `${where} readiness`).to.not.equal(undefined);
          expect(c.livenessProbe, `${where} liveness`).to.not.equal(undefined);
          const grpcPort = c.ports?.find((p) => p.name === 'grpc')?.containerPort;
          if (grpcPort !== undefined) {
            expect(c.readinessProbe?.grpc?.port, where).to.equal(grpcPort);
            expect(c.livenessProbe?.grpc?.port, where).to.equal(grpcPort);
          } else if (imageName(c.image) === 'family/bff') {
            expect(c.readinessProbe?.httpGet?.path, where).to.be.a('string');
            expect(c.livenessProbe?.httpGet?.path, where).to.be.a('string');
          }
        }
      }
      const api = workloads.find((w) => w.metadata.name === 'bff-api');
      expect(podSpecOf(api!).containers[0]!.readinessProbe?.httpGet?.path).to.equal('/readyz');
    });

    it('denies all ingress and has exactly one NetworkPolicy per workload', function () {
      const policies = byKind('NetworkPolicy') as (K8sObject & {
        spec: { podSelector: { matchLabels?: Record<string, string> }; policyTypes: string[]; ingress?: unknown[] };
      })[];
      const denyAll = policies.filter((p) => Object.keys(p.spec.podSelector.matchLabels ?? {}).length === 0);
      expect(denyAll).to.have.length(1);
      expect(denyAll[0]!.spec.policyTypes).to.include('Ingress');
      expect(denyAll[0]!.spec.ingress ?? []).to.have.length(0);
      for (const w of workloads) {
        const app = labelsOf(w).app;
        const selecting = policies.filter((p) => p.spec.podSelector.matchLabels?.app === app);
        expect(selecting, `policies selecting ${app}`).to.have.length(1);
      }
    });

    it('admits to each service only the callers ARCHITECTURE.md names', function () {
      const callers = (app: string) => {
        const policy = byKind('NetworkPolicy').find(
          (p) => (p.spec as { podSelector: { matchLabels?: { app?: string } } }).podSelector.matchLabels?.app === app,
        ) as { spec: { ingress: { from?: { podSelector?: { matchLabels: { app: string } } }[] }[] } } | undefined;
        return (policy?.spec.ingress ?? [])
          .flatMap((rule) => rule.from ?? [])
          .flatMap((peer) => (peer.podSelector ? [peer.podSelector.matchLabels.app] : []))
          .sort();
      };
      expect(callers('bank')).to.deep.equal(['bff-api']);
      expect(callers('mongodb')).to.deep.equal(['gamification']);
      expect(callers('redis')).to.deep.equal(['bff-api', 'bff-worker', 'notification']);
      expect(callers('goals')).to.deep.equal(['bff-api', 'gamification', 'notification']);
      expect(callers('bff-worker')).to.deep.equal([]);
    });

    it('scales every Deployment with an HPA and protects it with a PodDisruptionBudget', function () {
      for (const d of byKind('Deployment')) {
        const hpa = byKind('HorizontalPodAutoscaler').find(
          (h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === d.metadata.name,
        );
        expect(hpa, `HPA for ${d.metadata.name}`).to.not.equal(undefined);
        expect((hpa!.spec as { minReplicas: number }).minReplicas).to.be.at.least(2);
        const pdb = byKind('PodDisruptionBudget').find(
          (p) =>
            (p.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels.app ===
            labelsOf(d).app,
        );
        expect(pdb, `PDB for ${d.metadata.name}`).to.not.equal(undefined);
      }
    });

    it('holds no secret values: no Secret objects, credentials only by reference', function () {
      expect(byKind('Secret')).to.have.length(0);
      for (const c of byKind('ConfigMap')) {
        for (const [key, value] of Object.entries(c.data ?? {})) {
          expect(key, `${c.metadata.name}.${key}`).to.not.match(SECRET_NAME);
          expect(value, `${c.metadata.name}.${key}`).to.not.match(/:\/\/[^/\s:@]+:[^/\s@]+@/);
        }
      }
      for (const w of workloads) {
        for (const c of podSpecOf(w).containers) {
          for (const e of c.env ?? []) {
            if (SECRET_NAME.test(e.name)) {
              expect(e.valueFrom?.secretKeyRef, `${w.metadata.name} ${e.name}`).to.not.equal(undefined);
            }
          }
        }
      }
    });

    it('sets every variable each process requires, with values its config schema accepts', function () {
      for (const w of workloads) {
        for (const c of podSpecOf(w).containers) {
          const schema = schemas[imageName(c.image)];
          if (!schema) continue;
          const where = `${w.metadata.name} ${c.name}`;
          const literal: Record<string, string> = {};
          const referenced = new Set<string>();
          for (const from of c.envFrom ?? []) {
            if (from.configMapRef) {
              const data = configMap(from.configMapRef.name)?.data;
              expect(data, `${where}: ConfigMap ${from.configMapRef.name} exists`).to.not.equal(undefined);
              Object.assign(literal, data);
            }
          }
          for (const e of c.env ?? []) {
            if (e.value !== undefined) literal[e.name] = e.value;
            else if (e.valueFrom?.secretKeyRef) referenced.add(e.name);
          }
          for (const [key, field] of Object.entries(schema.shape)) {
            if (key in literal) {
              const parsed = field.safeParse(literal[key]);
              expect(parsed.success, `${where} ${key}=${literal[key]}: ${parsed.error?.message}`).to.equal(true);
            } else if (!field.safeParse(undefined).success) {
              expect(referenced.has(key), `${where} requires ${key}`).to.equal(true);
            }
          }
          // Production runs on the cell's Postgres, never on embedded PGlite (a read-only root).
          if ('DATABASE_URL' in schema.shape) expect(referenced.has('DATABASE_URL'), where).to.equal(true);
        }
      }
    });
  });
}
