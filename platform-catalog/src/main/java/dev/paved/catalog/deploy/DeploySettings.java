package dev.paved.catalog.deploy;

import dev.paved.core.ConfigKey;
import java.util.List;

/** The keys of the generated deployables ({@code docs/deploy.md}); read at build time only. */
public final class DeploySettings {
  private DeploySettings() {}

  static final String ENVIRONMENTS = "platform.deploy.environments";
  static final String DEPENDENCIES = "platform.deploy.dependencies";
  static final String EGRESS = "platform.deploy.egress";

  static final ConfigKey<String> ENV_NAMESPACE =
      ConfigKey.string(ENVIRONMENTS + ".*.namespace")
          .withDescription("The environment's namespace (default: the environment's name); a declared one gets its Namespace, ResourceQuota and LimitRange.");
  static final ConfigKey<Integer> ENV_REPLICAS =
      ConfigKey.integer(ENVIRONMENTS + ".*.replicas", 1, 1000).withDescription("Replicas in the environment (default by tier: 1 → 3, 2 and 3 → 2, 4 → 1).");
  static final ConfigKey<Integer> ENV_MAX_REPLICAS =
      ConfigKey.integer(ENVIRONMENTS + ".*.max-replicas", 1, 1000).withDescription("The autoscaler's maximum (default: three times the replicas).");
  static final ConfigKey<String> ENV_FROM_SECRET =
      ConfigKey.string(ENVIRONMENTS + ".*.env-from-secret")
          .withDescription("A Secret whose keys become the pod's environment (VAULT_ADDR, UNLEASH_URL, UNLEASH_API_TOKEN, ...).");
  static final ConfigKey<String> ENV_VARIABLE =
      ConfigKey.string(ENVIRONMENTS + ".*.env.*").withDescription("An environment variable of the environment's pods (not a secret: it is written in the manifest).");
  static final ConfigKey<Boolean> SHARED_NAMESPACE =
      ConfigKey.bool(ENVIRONMENTS + ".*.shared-namespace")
          .withDefault("false")
          .withDescription("The declared namespace is shared with other services: no Namespace, ResourceQuota or LimitRange from this one.");
  static final ConfigKey<String> EGRESS_CIDR =
      ConfigKey.string(EGRESS + ".*.cidr").withDescription("A further peer the pods may reach (vault, unleash, otlp, backstage, or any name): its addresses as a CIDR block.");
  static final ConfigKey<String> EGRESS_NAMESPACE =
      ConfigKey.string(EGRESS + ".*.namespace").withDescription("A further peer the pods may reach: the namespace it runs in.");
  static final ConfigKey<Integer> EGRESS_PORT =
      ConfigKey.integer(EGRESS + ".*.port", 1, 65535).withDescription("The further peer's port (required).");
  static final ConfigKey<String> DNS_NAMESPACE =
      ConfigKey.string("platform.deploy.dns.namespace").withDefault("kube-system").withDescription("Where the cluster's DNS pods (k8s-app: kube-dns) run.");
  static final ConfigKey<String> DNS_CIDR =
      ConfigKey.string("platform.deploy.dns.cidr").withDescription("A DNS server outside the DNS pods the pods may also ask, such as NodeLocal DNSCache's 169.254.20.10/32.");
  static final ConfigKey<String> IMAGE =
      ConfigKey.string("platform.deploy.image").withDescription("The image the Deployment runs (default: the build's image name, paved.image.name).");
  static final ConfigKey<Integer> HTTP_PORT =
      ConfigKey.integer("platform.deploy.http-port", 1, 65535).withDefault("8080").withDescription("The port the service's own server listens on (HTTP_PORT).");
  static final ConfigKey<String> CPU =
      ConfigKey.string("platform.deploy.resources.cpu").withDescription("CPU request, a Kubernetes quantity (default by tier: 1 → 1, 2 → 500m, 3 → 250m, 4 → 100m).");
  static final ConfigKey<String> CPU_LIMIT =
      ConfigKey.string("platform.deploy.resources.cpu-limit").withDescription("CPU limit (default: none, so the service is not throttled).");
  static final ConfigKey<String> MEMORY =
      ConfigKey.string("platform.deploy.resources.memory")
          .withDescription("Memory request and limit, a Kubernetes quantity (default by tier: 1 → 1Gi, 2 → 768Mi, 3 → 512Mi, 4 → 256Mi).");
  static final ConfigKey<Integer> CPU_TARGET =
      ConfigKey.integer("platform.deploy.autoscaling.cpu-utilization", 1, 100).withDefault("70").withDescription("The autoscaler's target CPU utilization, percent.");
  static final ConfigKey<String> WORKLOAD =
      ConfigKey.string("platform.deploy.workload")
          .withDefault("deployment")
          .withDescription("deployment (a long-running service) or cronjob (a job run once per process on a schedule: Jobs.runOnce).");
  static final ConfigKey<String> SCHEDULE =
      ConfigKey.string("platform.deploy.schedule").withDescription("For a cronjob: its schedule in cron syntax, such as '0 3 * * *' (required).");
  static final ConfigKey<String> TIME_ZONE =
      ConfigKey.string("platform.deploy.time-zone").withDefault("Etc/UTC").withDescription("For a cronjob: the time zone of its schedule.");
  static final ConfigKey<java.time.Duration> JOB_DEADLINE =
      ConfigKey.duration("platform.deploy.job.active-deadline")
          .withDefault("1h")
          .withDescription("For a cronjob: how long one run may take before Kubernetes stops it (activeDeadlineSeconds).");
  static final ConfigKey<Integer> LAG_THRESHOLD =
      ConfigKey.integer("platform.deploy.autoscaling.kafka-lag-threshold", 1, 1_000_000_000)
          .withDescription("For an event consumer: scale with KEDA on the consumer group's lag, this many records behind per replica (instead of CPU).");
  static final ConfigKey<String> LAG_GROUP =
      ConfigKey.string("platform.deploy.autoscaling.kafka-consumer-group")
          .withDescription("The consumer group whose lag (messaging_kafka_consumer_group_lag) KEDA scales on; required with kafka-lag-threshold.");
  static final ConfigKey<String> PROMETHEUS_URL =
      ConfigKey.string("platform.deploy.autoscaling.prometheus-url")
          .withDescription("The Prometheus KEDA queries for the lag, such as http://prometheus.monitoring:9090; required with kafka-lag-threshold.");
  static final ConfigKey<String> DEP_NAMESPACE =
      ConfigKey.string(DEPENDENCIES + ".*.namespace").withDescription("Where a dependency's pods run (default: the service's namespace).");
  static final ConfigKey<Integer> DEP_PORT =
      ConfigKey.integer(DEPENDENCIES + ".*.port", 1, 65535)
          .withDescription("The dependency's port (default by kind: http and grpc 8080, database 5432, cache 6379, kafka 9092, messaging 5672).");
  static final ConfigKey<String> DEP_CIDR =
      ConfigKey.string(DEPENDENCIES + ".*.cidr").withDescription("For a dependency outside the cluster: its addresses, as a CIDR (10.20.0.0/16).");

  /** Every key. */
  public static List<ConfigKey<?>> keys() {
    return List.of(
        ENV_NAMESPACE, ENV_REPLICAS, ENV_MAX_REPLICAS, ENV_FROM_SECRET, ENV_VARIABLE, SHARED_NAMESPACE, EGRESS_CIDR, EGRESS_NAMESPACE, EGRESS_PORT, DNS_NAMESPACE, DNS_CIDR, IMAGE, HTTP_PORT, CPU, CPU_LIMIT, MEMORY, CPU_TARGET, WORKLOAD, SCHEDULE, TIME_ZONE, JOB_DEADLINE, LAG_THRESHOLD,
        LAG_GROUP, PROMETHEUS_URL, DEP_NAMESPACE, DEP_PORT, DEP_CIDR);
  }
}
