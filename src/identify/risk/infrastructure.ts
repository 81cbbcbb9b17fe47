/** Risk knowledge for container, orchestration and cluster-coordination services. */
import type { RiskEntry } from './types.js';

export const INFRASTRUCTURE: readonly RiskEntry[] = [
  {
    service: 'docker',
    ports: ['2375/tcp'],
    level: 'critical',
    sources: ['docker-protect-access', 'cisa-aa23-278a'],
    en: {
      summary: 'The Docker Engine API without TLS: remote control of the containers on this machine.',
      why: 'Port 2375 is the Docker API with no encryption and no authentication. Whoever reaches it can start a privileged container that mounts the host\'s disk, which is the same as root on this machine; attackers scan the Internet for it to deploy cryptominers and backdoors within minutes.',
      fix: [
        'Stop listening on TCP: remove `-H tcp://0.0.0.0:2375` from the dockerd command line, or the `tcp://` entry from "hosts" in /etc/docker/daemon.json, and restart Docker; the local Unix socket is enough on the machine itself.',
        'For remote administration, use SSH instead (`docker context create --docker host=ssh://user@host`).',
        'If a TCP endpoint is really needed, use port 2376 with `--tlsverify` and client certificates, and allow it in the firewall only from the admin machines.',
      ],
    },
    es: {
      summary: 'La API de Docker Engine sin TLS: el control remoto de los contenedores de esta máquina.',
      why: 'El puerto 2375 es la API de Docker sin cifrado ni autenticación. Quien llegue a él puede arrancar un contenedor privilegiado que monte el disco del anfitrión, lo que equivale a ser root en esta máquina; los atacantes rastrean Internet en su busca para instalar mineros de criptomonedas y puertas traseras en cuestión de minutos.',
      fix: [
        'Deje de escuchar por TCP: quite `-H tcp://0.0.0.0:2375` de la línea de órdenes de dockerd, o la entrada `tcp://` de "hosts" en /etc/docker/daemon.json, y reinicie Docker; en la propia máquina basta con el socket Unix local.',
        'Para administrarlo a distancia, use SSH (`docker context create --docker host=ssh://usuario@host`).',
        'Si de verdad necesita un punto de acceso TCP, use el puerto 2376 con `--tlsverify` y certificados de cliente, y permítalo en el cortafuegos solo desde los equipos de administración.',
      ],
    },
  },
  {
    service: 'docker-tls',
    aliases: ['docker-s'],
    ports: ['2376/tcp'],
    level: 'medium',
    sources: ['docker-protect-access'],
    en: {
      summary: 'The Docker Engine API over TLS: remote control of the containers on this machine.',
      why: 'With `--tlsverify` and client certificates, only holders of a certificate signed by your CA get in; but whoever holds one, or steals one, controls the host as root. Without `--tlsverify`, TLS only encrypts and anyone can still connect.',
      fix: [
        'Check that dockerd runs with `--tlsverify` and `--tlscacert` pointing to your own CA (or `"tlsverify": true` in /etc/docker/daemon.json).',
        'Allow port 2376 in the firewall only from the machines that administer Docker.',
        'Protect and rotate client certificates like root passwords; consider SSH access (`ssh://`) instead, which needs no open Docker port at all.',
      ],
    },
    es: {
      summary: 'La API de Docker Engine sobre TLS: el control remoto de los contenedores de esta máquina.',
      why: 'Con `--tlsverify` y certificados de cliente, solo entran quienes tengan un certificado firmado por su CA; pero quien tenga uno, o lo robe, controla el anfitrión como root. Sin `--tlsverify`, TLS solo cifra y cualquiera puede seguir conectándose.',
      fix: [
        'Compruebe que dockerd se ejecuta con `--tlsverify` y con `--tlscacert` apuntando a su propia CA (o `"tlsverify": true` en /etc/docker/daemon.json).',
        'Permita el puerto 2376 en el cortafuegos solo desde los equipos que administran Docker.',
        'Proteja y renueve los certificados de cliente como si fueran contraseñas de root; considere el acceso por SSH (`ssh://`), que no necesita ningún puerto de Docker abierto.',
      ],
    },
  },
  {
    service: 'kubernetes-api',
    aliases: ['kube-apiserver', 'kubernetes'],
    ports: ['6443/tcp'],
    level: 'high',
    sources: ['k8s-securing-cluster', 'cisa-aa23-278a'],
    en: {
      summary: 'The Kubernetes API server, through which the whole cluster is controlled.',
      why: 'Everything in a cluster is done through this API, so a leaked token, an over-generous role binding for anonymous or "system:authenticated" users, or an unpatched flaw gives control over every workload and secret. Exposed API servers are scanned for constantly.',
      fix: [
        'Do not expose the API server to the Internet: put it on a private network or behind a VPN, or allow port 6443 in the firewall (or the cloud provider\'s "authorized networks") only from admin addresses.',
        'Keep anonymous access off or harmless (`--anonymous-auth=false` where possible) and audit RBAC bindings for `system:anonymous` and `system:unauthenticated`.',
        'Keep Kubernetes updated and use short-lived credentials instead of long-lived tokens.',
      ],
    },
    es: {
      summary: 'El servidor de la API de Kubernetes, desde el que se controla todo el clúster.',
      why: 'Todo en un clúster se hace a través de esta API, así que un token filtrado, un permiso demasiado generoso para los usuarios anónimos o "system:authenticated", o un fallo sin parchear dan el control de todas las cargas de trabajo y todos los secretos. Los servidores de API expuestos se rastrean sin descanso.',
      fix: [
        'No exponga el servidor de la API a Internet: póngalo en una red privada o detrás de una VPN, o permita el puerto 6443 en el cortafuegos (o en las "redes autorizadas" del proveedor de nube) solo desde direcciones de administración.',
        'Mantenga el acceso anónimo desactivado o sin permisos (`--anonymous-auth=false` donde sea posible) y revise los enlaces RBAC de `system:anonymous` y `system:unauthenticated`.',
        'Mantenga Kubernetes actualizado y use credenciales de corta duración en lugar de tokens permanentes.',
      ],
    },
  },
  {
    service: 'kubelet',
    aliases: ['kubelet-api'],
    ports: ['10250/tcp', '10255/tcp'],
    level: 'critical',
    sources: ['k8s-kubelet-authn', 'k8s-securing-cluster'],
    en: {
      summary: 'The kubelet, the Kubernetes agent on each node that starts and runs its containers.',
      why: 'The kubelet API can list pods and run commands inside any container on the node. If anonymous requests are allowed and authorization is left at AlwaysAllow, anyone who reaches port 10250 can execute code in the cluster; the old read-only port 10255 leaks pod and environment details without any authentication.',
      fix: [
        'In the kubelet configuration set `authentication.anonymous.enabled: false` (flag `--anonymous-auth=false`) and `authorization.mode: Webhook`, then restart the kubelet.',
        'Turn off the read-only port: `readOnlyPort: 0` (flag `--read-only-port=0`).',
        'Allow ports 10250 and 10255 in the firewall only from the control plane nodes.',
      ],
    },
    es: {
      summary: 'El kubelet, el agente de Kubernetes que arranca y ejecuta los contenedores en cada nodo.',
      why: 'La API del kubelet permite listar los pods y ejecutar órdenes dentro de cualquier contenedor del nodo. Si se aceptan peticiones anónimas y la autorización queda en AlwaysAllow, cualquiera que llegue al puerto 10250 puede ejecutar código en el clúster; el antiguo puerto de solo lectura 10255 revela detalles de los pods y de su entorno sin ninguna autenticación.',
      fix: [
        'En la configuración del kubelet ponga `authentication.anonymous.enabled: false` (opción `--anonymous-auth=false`) y `authorization.mode: Webhook`, y reinicie el kubelet.',
        'Desactive el puerto de solo lectura: `readOnlyPort: 0` (opción `--read-only-port=0`).',
        'Permita los puertos 10250 y 10255 en el cortafuegos solo desde los nodos del plano de control.',
      ],
    },
  },
  {
    service: 'etcd',
    aliases: ['etcd-client', 'etcd-server'],
    ports: ['2379/tcp', '2380/tcp'],
    level: 'critical',
    sources: ['etcd-security', 'k8s-securing-cluster'],
    en: {
      summary: 'etcd is a key-value store; in Kubernetes it holds the whole cluster state, secrets included.',
      why: 'etcd accepts plain, unauthenticated connections unless TLS client certificates are configured. Read access to a Kubernetes etcd reveals every secret and service-account token; write access is full control of the cluster.',
      fix: [
        'Require client certificates: start etcd with `--client-cert-auth=true`, `--trusted-ca-file`, `--cert-file` and `--key-file`, and the `--peer-*` equivalents for port 2380.',
        'Listen only where the API servers can reach it: `--listen-client-urls=https://127.0.0.1:2379` on a single control-plane node, or the private address otherwise.',
        'Allow ports 2379 and 2380 in the firewall only from the API servers and the other etcd members.',
      ],
    },
    es: {
      summary: 'etcd es un almacén de clave-valor; en Kubernetes guarda todo el estado del clúster, secretos incluidos.',
      why: 'etcd acepta conexiones en claro y sin autenticar salvo que se configuren certificados de cliente TLS. Poder leer el etcd de Kubernetes revela todos los secretos y tokens de cuentas de servicio; poder escribir en él es el control total del clúster.',
      fix: [
        'Exija certificados de cliente: arranque etcd con `--client-cert-auth=true`, `--trusted-ca-file`, `--cert-file` y `--key-file`, y sus equivalentes `--peer-*` para el puerto 2380.',
        'Que escuche solo donde lo alcanzan los servidores de la API: `--listen-client-urls=https://127.0.0.1:2379` en un único nodo de control, o la dirección privada en otro caso.',
        'Permita los puertos 2379 y 2380 en el cortafuegos solo desde los servidores de la API y los demás miembros de etcd.',
      ],
    },
  },
  {
    service: 'consul',
    aliases: ['consul-http', 'consul-dns'],
    ports: ['8500/tcp', '8600/udp', '8301/tcp', '8301/udp'],
    level: 'high',
    sources: ['consul-security-model'],
    en: {
      summary: 'HashiCorp Consul, a service registry, key-value store and service mesh control plane (8500 HTTP API and UI, 8600 DNS, 8301 gossip).',
      why: 'Consul is not secure by default: without ACLs anyone who reaches the HTTP API can read and change the key-value store (often holding configuration and secrets) and register services. If script checks are enabled, the API can be used to run commands on every agent.',
      fix: [
        'Enable ACLs with a deny-by-default policy (`acl { enabled = true, default_policy = "deny" }`) and give every agent and application its own token.',
        'Keep the HTTP API on loopback (`client_addr = "127.0.0.1"`), set `enable_script_checks = false` (use `enable_local_script_checks` if needed) and leave `disable_remote_exec` at its default, true.',
        'Turn on gossip encryption and TLS with `verify_incoming`, `verify_outgoing` and `verify_server_hostname`, and allow the ports only between cluster members.',
      ],
    },
    es: {
      summary: 'HashiCorp Consul, un registro de servicios, almacén de clave-valor y plano de control de service mesh (8500 API HTTP e interfaz web, 8600 DNS, 8301 gossip).',
      why: 'Consul no es seguro por defecto: sin ACL, cualquiera que llegue a la API HTTP puede leer y cambiar el almacén de clave-valor (que a menudo guarda configuración y secretos) y registrar servicios. Si las comprobaciones por script están activadas, la API sirve para ejecutar órdenes en todos los agentes.',
      fix: [
        'Active las ACL con una política que deniegue por defecto (`acl { enabled = true, default_policy = "deny" }`) y dé a cada agente y aplicación su propio token.',
        'Mantenga la API HTTP en loopback (`client_addr = "127.0.0.1"`), ponga `enable_script_checks = false` (use `enable_local_script_checks` si hace falta) y deje `disable_remote_exec` en su valor por defecto, true.',
        'Active el cifrado de gossip y TLS con `verify_incoming`, `verify_outgoing` y `verify_server_hostname`, y permita los puertos solo entre los miembros del clúster.',
      ],
    },
  },
];
