/**
 * Where the risk knowledge comes from. Every `sources` id in the risk data names an entry
 * here; docs/reference/risk-sources.md lists the same ids with the same URLs for readers, and
 * test/unit/risk.test.ts keeps the two in step. The facts come from these pages; the
 * sentences in the data are our own.
 */

/** One public source: an advisory, a vendor's security guide, a standard. */
export interface RiskSource {
  readonly title: string;
  readonly url: string;
}

/** Every source, by id. */
export const RISK_SOURCES = {
  'cisa-ta14-017a': { title: 'CISA (US-CERT) TA14-017A: UDP-Based Amplification Attacks', url: 'https://www.cisa.gov/news-events/alerts/2014/01/17/udp-based-amplification-attacks' },
  'cisa-ta16-288a': { title: 'CISA (US-CERT) TA16-288A: Heightened DDoS Threat Posed by Mirai and Other Botnets', url: 'https://www.cisa.gov/news-events/alerts/2016/10/14/heightened-ddos-threat-posed-mirai-and-other-botnets' },
  'cisa-aa23-278a': { title: 'NSA and CISA AA23-278A: Top Ten Cybersecurity Misconfigurations', url: 'https://www.cisa.gov/news-events/cybersecurity-advisories/aa23-278a' },
  'nist-sp800-123': { title: 'NIST SP 800-123: Guide to General Server Security', url: 'https://csrc.nist.gov/pubs/sp/800/123/final' },
  'openssh-sshd-config': { title: 'OpenSSH: sshd_config(5) manual', url: 'https://man.openbsd.org/sshd_config' },
  'redis-security': { title: 'Redis: Redis security', url: 'https://redis.io/docs/latest/operate/oss_and_stack/management/security/' },
  'postgresql-connections': { title: 'PostgreSQL: Connections and Authentication (listen_addresses)', url: 'https://www.postgresql.org/docs/current/runtime-config-connection.html' },
  'postgresql-pg-hba': { title: 'PostgreSQL: The pg_hba.conf File', url: 'https://www.postgresql.org/docs/current/auth-pg-hba-conf.html' },
  'mysql-security-guidelines': { title: 'MySQL Reference Manual: General Security Guidelines', url: 'https://dev.mysql.com/doc/refman/8.0/en/security-guidelines.html' },
  'mysql-bind-address': { title: 'MySQL Reference Manual: Server System Variables (bind_address)', url: 'https://dev.mysql.com/doc/refman/8.0/en/server-system-variables.html#sysvar_bind_address' },
  'mongodb-security-checklist': { title: 'MongoDB: Security Checklist for Self-Managed Deployments', url: 'https://www.mongodb.com/docs/manual/administration/security-checklist/' },
  'mongodb-ip-binding': { title: 'MongoDB: IP Binding', url: 'https://www.mongodb.com/docs/manual/core/security-mongodb-configuration/' },
  'memcached-release-1.5.6': { title: 'memcached 1.5.6 release notes (UDP disabled by default)', url: 'https://github.com/memcached/memcached/wiki/ReleaseNotes156' },
  'cve-2018-1000115': { title: 'CVE-2018-1000115: memcached UDP amplification', url: 'https://nvd.nist.gov/vuln/detail/CVE-2018-1000115' },
  'docker-protect-access': { title: 'Docker: Protect the Docker daemon socket', url: 'https://docs.docker.com/engine/security/protect-access/' },
  'k8s-securing-cluster': { title: 'Kubernetes: Securing a Cluster', url: 'https://kubernetes.io/docs/tasks/administer-cluster/securing-a-cluster/' },
  'k8s-kubelet-authn': { title: 'Kubernetes: Kubelet authentication/authorization', url: 'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/' },
  'etcd-security': { title: 'etcd: Transport security model', url: 'https://etcd.io/docs/v3.5/op-guide/security/' },
  'elastic-security-setup': { title: 'Elastic: Set up minimal security for Elasticsearch', url: 'https://www.elastic.co/guide/en/elasticsearch/reference/current/security-minimal-setup.html' },
  'cve-2017-12635': { title: 'CVE-2017-12635: Apache CouchDB privilege escalation', url: 'https://nvd.nist.gov/vuln/detail/CVE-2017-12635' },
  'cve-2022-24706': { title: 'CVE-2022-24706: Apache CouchDB unauthenticated admin access in packaged installs', url: 'https://nvd.nist.gov/vuln/detail/CVE-2022-24706' },
  'couchdb-security': { title: 'Apache CouchDB: Security (admin accounts, bind_address)', url: 'https://docs.couchdb.org/en/stable/intro/security.html' },
} as const satisfies Record<string, RiskSource>;

/** A source id. */
export type RiskSourceId = keyof typeof RISK_SOURCES;
