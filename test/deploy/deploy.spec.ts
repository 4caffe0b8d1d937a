/**
 * Checks the deployment descriptors without a cluster or a Docker engine: kustomize renders the
 * production overlay, docker-compose validates the compose file, and the Strimzi topics are the ones
 * the topic table declares. The tools come from stack/ensure-tools.sh.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { DEVELOPMENT_JWT_SECRET } from '@app/config/env.schema';
import { ALL_TOPICS } from '@app/contracts/topics';
import {
  KAFKA_TOPICS_FILE,
  PRODUCTION_TOPIC_OPTIONS,
  kafkaTopicResourceName,
  renderKafkaTopics,
} from '../../scripts/render-deploy-topics';

// Spawning kubectl and the Python docker-compose takes a second or two on a cold machine.
jest.setTimeout(30_000);

const ROOT = path.resolve(__dirname, '..', '..');
const PRODUCTION_NAMESPACE = 'complaints-production';
const APPS = [
  { name: 'intake', port: 3001 },
  { name: 'workflow', port: 3002 },
  { name: 'analytics', port: 3003 },
] as const;

// ---- the few shapes of Kubernetes and compose objects these tests read ----

interface Metadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
}
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: Metadata;
}
interface HttpProbe {
  httpGet?: { path?: string; port?: string | number };
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  image?: string;
  command?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: EnvVar[];
  livenessProbe?: HttpProbe;
  readinessProbe?: HttpProbe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean };
}
interface Deployment extends Manifest {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        securityContext?: { runAsNonRoot?: boolean };
        initContainers?: Container[];
        containers: Container[];
      };
    };
  };
}
interface Service extends Manifest {
  spec: { selector: Record<string, string>; ports: Array<{ port: number; targetPort: string | number }> };
}
interface HorizontalPodAutoscaler extends Manifest {
  spec: {
    scaleTargetRef: { apiVersion: string; kind: string; name: string };
    minReplicas: number;
    maxReplicas: number;
  };
}
interface ConfigMap extends Manifest {
  data?: Record<string, string>;
}
interface Secret extends Manifest {
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}
interface KafkaTopic extends Manifest {
  spec: { topicName: string; partitions: number; replicas: number; config: Record<string, string> };
}
interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[] };
  depends_on?: Record<string, { condition: string }>;
}

// ---- helpers ----

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isManifest(value: unknown): value is Manifest {
  return (
    isRecord(value) &&
    typeof value['apiVersion'] === 'string' &&
    typeof value['kind'] === 'string' &&
    isRecord(value['metadata']) &&
    typeof value['metadata']['name'] === 'string'
  );
}

/** Runs a tool from the repository root; a missing tool or a failure is reported with what to do. */
function runTool(tool: string, args: readonly string[]): string {
  try {
    return execFileSync(tool, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    if (isRecord(error) && error['code'] === 'ENOENT') {
      throw new Error(`${tool} is not installed: run \`bash stack/ensure-tools.sh\``);
    }
    const stderr = isRecord(error) && typeof error['stderr'] === 'string' ? error['stderr'] : String(error);
    throw new Error(`\`${tool} ${args.join(' ')}\` failed:\n${stderr}`);
  }
}

function parseManifests(multiDocumentYaml: string): Manifest[] {
  return parseAllDocuments(multiDocumentYaml).map((document, index) => {
    if (document.errors.length > 0) {
      throw new Error(`document ${index} is not valid YAML: ${document.errors[0]?.message ?? ''}`);
    }
    const value: unknown = document.toJS();
    if (!isManifest(value)) throw new Error(`document ${index} is not a Kubernetes object`);
    return value;
  });
}

function ofKind<T extends Manifest>(manifests: readonly Manifest[], kind: string): T[] {
  return manifests.filter((manifest): manifest is T => manifest.kind === kind);
}

function named<T extends Manifest>(manifests: readonly T[], name: string): T {
  const found = manifests.find((manifest) => manifest.metadata.name === name);
  if (!found) throw new Error(`no object named ${name} among ${manifests.map((m) => m.metadata.name).join(', ')}`);
  return found;
}

function mainContainer(deployment: Deployment): Container {
  const container = deployment.spec.template.spec.containers.find((c) => c.name === deployment.metadata.name);
  if (!container) throw new Error(`deployment ${deployment.metadata.name} has no container of its own name`);
  return container;
}

/** Objects without a namespace of their own: the Namespace, and any other cluster-scoped kind. */
const CLUSTER_SCOPED_KINDS = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);

// ---- the tests ----

describe('deploy/overlays/production rendered by kubectl kustomize', () => {
  let rendered: string;
  let manifests: Manifest[];

  beforeAll(() => {
    rendered = runTool('kubectl', ['kustomize', 'deploy/overlays/production']);
    manifests = parseManifests(rendered);
  });

  it('puts every namespaced object in the production namespace, and creates that namespace', () => {
    const namespaced = manifests.filter((manifest) => !CLUSTER_SCOPED_KINDS.has(manifest.kind));
    expect(namespaced.length).toBeGreaterThan(0);
    const elsewhere = namespaced.filter((m) => m.metadata.namespace !== PRODUCTION_NAMESPACE);
    expect(elsewhere.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([]);
    expect(ofKind(manifests, 'Namespace').map((m) => m.metadata.name)).toEqual([PRODUCTION_NAMESPACE]);
  });

  describe.each(APPS)('$name', ({ name, port }) => {
    let deployment: Deployment;
    let container: Container;

    beforeAll(() => {
      deployment = named(ofKind<Deployment>(manifests, 'Deployment'), name);
      container = mainContainer(deployment);
    });

    it('runs its own entry point from a pinned image', () => {
      expect(container.command).toEqual(['node', `dist/apps/${name}/src/main.js`]);
      expect(container.image).toMatch(/^[^:]+:(?!latest$)[\w.-]+$/);
      expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
    });

    it('is live on /health and ready on /ready', () => {
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/ready', port: 'http' });
    });

    it('sets requests and limits on every container and runs as non-root', () => {
      const pod = deployment.spec.template.spec;
      for (const each of [...(pod.initContainers ?? []), ...pod.containers]) {
        expect(Object.keys(each.resources?.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
        expect(Object.keys(each.resources?.limits ?? {}).sort()).toEqual(['cpu', 'memory']);
        expect(each.securityContext?.allowPrivilegeEscalation).toBe(false);
      }
      expect(pod.securityContext?.runAsNonRoot).toBe(true);
    });

    it('takes the JWT secret and the database URL from the Secret, never as a literal value', () => {
      const pod = deployment.spec.template.spec;
      for (const each of [...(pod.initContainers ?? []), ...pod.containers]) {
        const env = new Map((each.env ?? []).map((variable) => [variable.name, variable]));
        for (const variable of ['AUTH_JWT_SECRET', 'DATABASE_URL']) {
          expect(env.get(variable)?.value).toBeUndefined();
          expect(env.get(variable)?.valueFrom?.secretKeyRef?.name).toBe('complaints-secrets');
        }
      }
    });

    it('has a Service that selects its pods on the HTTP port', () => {
      const service = named(ofKind<Service>(manifests, 'Service'), name);
      const podLabels = deployment.spec.template.metadata.labels;
      for (const [key, value] of Object.entries(service.spec.selector)) expect(podLabels[key]).toBe(value);
      expect(service.spec.ports).toEqual([expect.objectContaining({ port, targetPort: 'http' })]);
    });

    it('has an autoscaling/v2 HPA whose floor the Deployment starts at', () => {
      const hpa = named(ofKind<HorizontalPodAutoscaler>(manifests, 'HorizontalPodAutoscaler'), name);
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
      expect(deployment.spec.replicas).toBe(hpa.spec.minReplicas);
    });
  });

  it('contains no secret value: no Secret with data, no secret in a ConfigMap, no development default', () => {
    // The cluster provides complaints-secrets; a Secret rendered from the repository may carry no value.
    for (const secret of ofKind<Secret>(manifests, 'Secret')) {
      expect(secret.data ?? {}).toEqual({});
      expect(secret.stringData ?? {}).toEqual({});
    }
    const configMaps = ofKind<ConfigMap>(manifests, 'ConfigMap');
    expect(configMaps).toHaveLength(1);
    for (const configMap of configMaps) {
      expect(configMap.data).not.toHaveProperty('AUTH_JWT_SECRET');
      expect(configMap.data).not.toHaveProperty('DATABASE_URL');
      expect(configMap.data?.['NODE_ENV']).toBe('production');
    }
    expect(rendered).not.toContain(DEVELOPMENT_JWT_SECRET);
  });

  it('declares every topic of the topic table as a KafkaTopic of the cluster', () => {
    const topics = ofKind<KafkaTopic>(manifests, 'KafkaTopic');
    expect(topics.map((topic) => topic.spec.topicName).sort()).toEqual(ALL_TOPICS.map((topic) => topic.name).sort());
    for (const topic of topics) {
      expect(topic.apiVersion).toBe('kafka.strimzi.io/v1beta2');
      expect(topic.metadata.labels?.['strimzi.io/cluster']).toBe(PRODUCTION_TOPIC_OPTIONS.cluster);
    }
  });
});

describe(KAFKA_TOPICS_FILE, () => {
  it('is what scripts/render-deploy-topics.ts renders from the topic table (rerun it after a change)', () => {
    const committed = readFileSync(path.join(ROOT, KAFKA_TOPICS_FILE), 'utf8');
    expect(committed).toBe(renderKafkaTopics(ALL_TOPICS));
  });

  it('renders partitions, retention, cleanup policy and production replication for each topic', () => {
    const rendered = ofKind<KafkaTopic>(parseManifests(renderKafkaTopics(ALL_TOPICS)), 'KafkaTopic');
    expect(rendered).toHaveLength(ALL_TOPICS.length);
    ALL_TOPICS.forEach((topic, index) => {
      expect(rendered[index]?.metadata.name).toBe(kafkaTopicResourceName(topic.name));
      expect(rendered[index]?.spec).toEqual({
        topicName: topic.name,
        partitions: topic.partitions,
        replicas: 3,
        config: {
          'retention.ms': String(topic.retentionMs),
          'cleanup.policy': topic.cleanupPolicy,
          'min.insync.replicas': '2',
        },
      });
    });
  });

  it('gives every topic a resource name Kubernetes accepts', () => {
    for (const topic of ALL_TOPICS) {
      expect(kafkaTopicResourceName(topic.name)).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
  });
});

describe('docker-compose.yml', () => {
  it('is valid for docker-compose (config -q)', () => {
    expect(runTool('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'])).toBe('');
  });

  describe('as resolved by docker-compose config', () => {
    let services: Record<string, ComposeService>;

    beforeAll(() => {
      const resolved: unknown = parse(runTool('docker-compose', ['-f', 'docker-compose.yml', 'config']));
      if (!isRecord(resolved) || !isRecord(resolved['services'])) throw new Error('no services in the compose file');
      services = resolved['services'] as Record<string, ComposeService>;
    });

    it('runs Kafka 3.9 in KRaft mode, PostgreSQL 15 and Redis 7 with AOF and no eviction', () => {
      expect(services['kafka']?.image).toBe('apache/kafka:3.9.1');
      expect(services['kafka']?.environment?.['KAFKA_PROCESS_ROLES']).toBe('broker,controller');
      expect(services['postgres']?.image).toBe('postgres:15');
      expect(services['redis']?.image).toBe('redis:7');
      expect(services['redis']?.command?.join(' ')).toContain('--appendonly yes --maxmemory-policy noeviction');
    });

    it.each(APPS)('starts $name after the topics and migrations, and checks it on /ready', ({ name, port }) => {
      const service = services[name];
      expect(service?.command).toEqual(['node', `dist/apps/${name}/src/main.js`]);
      expect(service?.environment?.['HTTP_PORT']).toBe(String(port));
      expect(service?.healthcheck?.test?.join(' ')).toContain(`http://127.0.0.1:${port}/ready`);
      expect(service?.depends_on).toMatchObject({
        kafka: { condition: 'service_healthy' },
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
        topics: { condition: 'service_completed_successfully' },
        migrate: { condition: 'service_completed_successfully' },
      });
    });

    it('uses the configuration library’s development JWT secret, outside production', () => {
      for (const { name } of APPS) {
        expect(services[name]?.environment?.['AUTH_JWT_SECRET']).toBe(DEVELOPMENT_JWT_SECRET);
        expect(services[name]?.environment?.['NODE_ENV']).toBe('development');
      }
    });
  });
});
