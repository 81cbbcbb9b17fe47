/** Risk knowledge for monitoring and dashboards. */
import type { RiskEntry } from './types.js';

export const MONITORING: readonly RiskEntry[] = [
  {
    service: 'prometheus',
    aliases: ['prometheus-server'],
    ports: ['9090/tcp'],
    level: 'medium',
    sources: ['prometheus-security'],
    en: {
      summary: 'A Prometheus server, which collects metrics from other systems and answers queries about them.',
      why: 'Prometheus has no authentication by default: its web UI and API show every metric, target address and label, a detailed map of your infrastructure that sometimes includes secrets. Heavy queries can also overload it.',
      fix: [
        'Bind it to loopback (`--web.listen-address=127.0.0.1:9090`) and put it behind a reverse proxy with authentication, or allow port 9090 only from the Grafana and admin hosts.',
        'Or enable basic authentication and TLS with a web config file (`--web.config.file`).',
        'Do not enable `--web.enable-admin-api` or `--web.enable-lifecycle` on a reachable server.',
      ],
    },
    es: {
      summary: 'Un servidor Prometheus, que recoge métricas de otros sistemas y responde consultas sobre ellas.',
      why: 'Prometheus no tiene autenticación por defecto: su interfaz web y su API muestran todas las métricas, direcciones de objetivos y etiquetas, un mapa detallado de su infraestructura que a veces incluye secretos. Además, las consultas pesadas pueden sobrecargarlo.',
      fix: [
        'Haga que escuche solo en loopback (`--web.listen-address=127.0.0.1:9090`) y póngalo detrás de un proxy inverso con autenticación, o permita el puerto 9090 solo desde los equipos de Grafana y de administración.',
        'O active la autenticación básica y TLS con un archivo de configuración web (`--web.config.file`).',
        'No active `--web.enable-admin-api` ni `--web.enable-lifecycle` en un servidor accesible.',
      ],
    },
  },
  {
    service: 'prometheus-node-exporter',
    aliases: ['node-exporter', 'prometheus-exporter'],
    ports: ['9100/tcp'],
    level: 'medium',
    sources: ['prometheus-security'],
    en: {
      summary: 'A Prometheus exporter (node_exporter or similar), which publishes this machine\'s metrics over HTTP for a Prometheus server to collect.',
      why: 'Exporters answer anyone with no authentication: the /metrics page reveals the kernel and software versions, file systems, network interfaces and running services, useful reconnaissance for an attacker. (Port 9100 is also the raw printing port of many network printers, which accept print jobs from anyone.)',
      fix: [
        'Bind the exporter to loopback or the monitoring network (`--web.listen-address=127.0.0.1:9100`, or the internal address).',
        'Allow the port in the firewall only from the Prometheus servers, or enable TLS and basic authentication with `--web.config.file`.',
        'If this is a printer, turn off raw printing (JetDirect) or restrict it to the local network.',
      ],
    },
    es: {
      summary: 'Un exportador de Prometheus (node_exporter u otro), que publica por HTTP las métricas de esta máquina para que un servidor Prometheus las recoja.',
      why: 'Los exportadores responden a cualquiera sin autenticación: la página /metrics revela las versiones del núcleo y del software, los sistemas de archivos, las interfaces de red y los servicios en marcha, un reconocimiento muy útil para un atacante. (El puerto 9100 es también el de impresión directa de muchas impresoras de red, que aceptan trabajos de cualquiera.)',
      fix: [
        'Haga que el exportador escuche solo en loopback o en la red de monitorización (`--web.listen-address=127.0.0.1:9100`, o la dirección interna).',
        'Permita el puerto en el cortafuegos solo desde los servidores Prometheus, o active TLS y autenticación básica con `--web.config.file`.',
        'Si es una impresora, desactive la impresión directa (JetDirect) o limítela a la red local.',
      ],
    },
  },
  {
    service: 'kibana',
    aliases: ['opensearch-dashboards'],
    ports: ['5601/tcp'],
    level: 'high',
    sources: ['elastic-security-setup', 'cisa-aa23-278a'],
    en: {
      summary: 'Kibana (or OpenSearch Dashboards), the web interface for exploring Elasticsearch data.',
      why: 'Kibana has the same access to the data as Elasticsearch behind it: if security is off, anyone who opens the page can browse and export every index. Old versions had remote code execution flaws.',
      fix: [
        'Enable Elasticsearch security so Kibana requires a login, and keep Kibana updated.',
        'Bind it to loopback (`server.host: "127.0.0.1"` in kibana.yml) behind an authenticating reverse proxy, or allow port 5601 only from trusted networks.',
        'Serve it over HTTPS (`server.ssl.enabled: true`).',
      ],
    },
    es: {
      summary: 'Kibana (u OpenSearch Dashboards), la interfaz web para explorar los datos de Elasticsearch.',
      why: 'Kibana tiene el mismo acceso a los datos que el Elasticsearch que hay detrás: si la seguridad está desactivada, cualquiera que abra la página puede explorar y exportar todos los índices. Las versiones antiguas tuvieron fallos de ejecución remota de código.',
      fix: [
        'Active la seguridad de Elasticsearch para que Kibana pida inicio de sesión, y mantenga Kibana actualizado.',
        'Haga que escuche solo en loopback (`server.host: "127.0.0.1"` en kibana.yml) detrás de un proxy inverso con autenticación, o permita el puerto 5601 solo desde redes de confianza.',
        'Sírvalo por HTTPS (`server.ssl.enabled: true`).',
      ],
    },
  },
];
