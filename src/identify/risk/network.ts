/** Risk knowledge for network plumbing: naming, time, discovery, management, VPNs, proxies and media. */
import type { RiskEntry } from './types.js';

export const NETWORK: readonly RiskEntry[] = [
  {
    service: 'domain',
    aliases: ['dns', 'nameserver'],
    ports: ['53/udp', '53/tcp'],
    level: 'medium',
    sources: ['cisa-ta13-088a', 'cisa-ta14-017a'],
    en: {
      summary: 'A DNS server, which turns names into addresses.',
      why: 'An authoritative server for your own domains is meant to be public. A resolver that answers recursive queries from anyone (an "open resolver") is abused for DDoS amplification: small spoofed queries produce answers dozens of times larger aimed at a victim. Zone transfers open to anyone also reveal every name in your zones.',
      fix: [
        'If this is a resolver for your own machines, allow recursion only for them (BIND: `allow-recursion { 127.0.0.1; ::1; 192.168.1.0/24; };`; Unbound: `access-control`), or make it listen on 127.0.0.1 only.',
        'If this is an authoritative server, turn recursion off (BIND: `recursion no;`) and restrict zone transfers (`allow-transfer` to your secondary servers only).',
        'Enable response rate limiting on public authoritative servers (BIND: `rate-limit { responses-per-second 10; };`).',
      ],
    },
    es: {
      summary: 'Un servidor DNS, que traduce nombres a direcciones.',
      why: 'Un servidor autoritativo de sus propios dominios está pensado para ser público. Un resolutor que responde consultas recursivas de cualquiera (un "resolutor abierto") se usa para ataques DDoS de amplificación: pequeñas consultas falsificadas producen respuestas decenas de veces mayores dirigidas a una víctima. Las transferencias de zona abiertas a cualquiera revelan además todos los nombres de sus zonas.',
      fix: [
        'Si es un resolutor para sus propias máquinas, permita la recursión solo a ellas (BIND: `allow-recursion { 127.0.0.1; ::1; 192.168.1.0/24; };`; Unbound: `access-control`), o haga que escuche solo en 127.0.0.1.',
        'Si es un servidor autoritativo, desactive la recursión (BIND: `recursion no;`) y restrinja las transferencias de zona (`allow-transfer` solo a sus servidores secundarios).',
        'Active la limitación de respuestas en los servidores autoritativos públicos (BIND: `rate-limit { responses-per-second 10; };`).',
      ],
    },
  },
  {
    service: 'ntp',
    aliases: ['ntpd', 'chrony'],
    ports: ['123/udp'],
    level: 'medium',
    sources: ['cisa-ta14-013a', 'cisa-ta14-017a'],
    en: {
      summary: 'An NTP server, which gives the time to other machines.',
      why: 'Old ntpd versions answer the "monlist" query with a list of up to 600 recent clients, a reply hundreds of times bigger than the request; exposed servers were used for some of the largest amplification DDoS attacks. Even a patched server reachable by everyone can be queried for information about the host.',
      fix: [
        'If this machine only needs to keep its own clock, do not serve time: with chrony, remove any `allow` lines (chrony then serves no one); with ntpd, add `restrict default kod nomodify notrap nopeer noquery` (and `restrict -6 default ...`).',
        'On ntpd older than 4.2.7p26, upgrade or add `disable monitor` to ntp.conf to turn monlist off.',
        'If it serves a network, allow port 123/udp in the firewall only from that network.',
      ],
    },
    es: {
      summary: 'Un servidor NTP, que da la hora a otras máquinas.',
      why: 'Las versiones antiguas de ntpd responden a la consulta "monlist" con una lista de hasta 600 clientes recientes, una respuesta cientos de veces mayor que la petición; los servidores expuestos se usaron en algunos de los mayores ataques DDoS de amplificación. Incluso un servidor parcheado al alcance de todos puede consultarse para obtener información del equipo.',
      fix: [
        'Si esta máquina solo necesita mantener su propio reloj, no sirva la hora: con chrony, quite cualquier línea `allow` (así no atiende a nadie); con ntpd, añada `restrict default kod nomodify notrap nopeer noquery` (y `restrict -6 default ...`).',
        'En ntpd anterior a 4.2.7p26, actualice o añada `disable monitor` a ntp.conf para desactivar monlist.',
        'Si da la hora a una red, permita el puerto 123/udp en el cortafuegos solo desde esa red.',
      ],
    },
  },
  {
    service: 'snmp',
    aliases: ['snmpd', 'snmptrap', 'snmp-trap'],
    ports: ['161/udp', '162/udp', '161/tcp'],
    level: 'high',
    sources: ['cisa-ta17-156a', 'cisa-ta14-017a'],
    en: {
      summary: 'An SNMP agent, which lets monitoring systems read (and sometimes change) the device\'s configuration and counters.',
      why: 'SNMP v1 and v2c are protected only by a "community string" sent in cleartext, and many devices keep the default "public" (read) or "private" (write). Read access leaks the device\'s configuration, interfaces and sometimes credentials; write access lets an attacker reconfigure it. Open SNMP is also used for amplification DDoS.',
      fix: [
        'If nothing monitors this host over SNMP, stop and disable the agent (for example `systemctl disable --now snmpd`).',
        'Otherwise use SNMPv3 with authentication and privacy (`authPriv`), remove the v1/v2c communities, and never leave "public" or "private".',
        'In snmpd.conf, listen only where the monitoring server can reach it (`agentaddress udp:127.0.0.1:161` or the management address) and allow port 161/udp in the firewall only from the monitoring servers.',
      ],
    },
    es: {
      summary: 'Un agente SNMP, que permite a los sistemas de monitorización leer (y a veces cambiar) la configuración y los contadores del equipo.',
      why: 'SNMP v1 y v2c solo se protegen con una "cadena de comunidad" que viaja en claro, y muchos equipos conservan las de fábrica, "public" (lectura) o "private" (escritura). El acceso de lectura revela la configuración del equipo, sus interfaces y a veces credenciales; el de escritura permite reconfigurarlo. Un SNMP abierto también se usa para ataques DDoS de amplificación.',
      fix: [
        'Si nada monitoriza este equipo por SNMP, detenga y desactive el agente (por ejemplo `systemctl disable --now snmpd`).',
        'Si no, use SNMPv3 con autenticación y cifrado (`authPriv`), elimine las comunidades v1/v2c y no deje nunca "public" ni "private".',
        'En snmpd.conf, escuche solo donde lo alcance el servidor de monitorización (`agentaddress udp:127.0.0.1:161` o la dirección de gestión) y permita el puerto 161/udp en el cortafuegos solo desde los servidores de monitorización.',
      ],
    },
  },
  {
    service: 'ldap',
    aliases: ['cldap', 'msft-gc'],
    ports: ['389/tcp', '389/udp', '3268/tcp'],
    level: 'high',
    sources: ['ms-adv190023', 'cisa-ta14-017a'],
    en: {
      summary: 'An LDAP directory server (OpenLDAP, or Active Directory on a domain controller) holding users, groups and often password hashes.',
      why: 'Directories often allow anonymous reads that list every user and group, a gift for password-guessing and phishing. Simple binds over plain LDAP send passwords in cleartext, and unsigned LDAP lets an attacker relay or tamper with requests. Connectionless LDAP (CLDAP) on UDP 389 is a strong DDoS amplifier.',
      fix: [
        'Never expose LDAP or a domain controller to the Internet; allow ports 389 and 3268 in the firewall only from the internal networks that need them, and block 389/udp from outside.',
        'Disable anonymous binds (OpenLDAP: `disallow bind_anon` and `require authc`), and require LDAPS or StartTLS for binds with passwords.',
        'On Active Directory, require LDAP signing and channel binding (Microsoft ADV190023).',
      ],
    },
    es: {
      summary: 'Un servidor de directorio LDAP (OpenLDAP, o Active Directory en un controlador de dominio) que guarda usuarios, grupos y a menudo hashes de contraseñas.',
      why: 'Los directorios suelen permitir lecturas anónimas que listan todos los usuarios y grupos, un regalo para quien intenta adivinar contraseñas o prepara phishing. Los inicios de sesión simples sobre LDAP sin cifrar envían la contraseña en claro, y sin firma LDAP un atacante puede retransmitir o alterar peticiones. El LDAP sin conexión (CLDAP) en UDP 389 es un potente amplificador de DDoS.',
      fix: [
        'No exponga nunca LDAP ni un controlador de dominio a Internet; permita los puertos 389 y 3268 en el cortafuegos solo desde las redes internas que los necesitan, y bloquee el 389/udp desde fuera.',
        'Desactive los accesos anónimos (OpenLDAP: `disallow bind_anon` y `require authc`) y exija LDAPS o StartTLS para los accesos con contraseña.',
        'En Active Directory, exija la firma LDAP y el enlace de canal (Microsoft ADV190023).',
      ],
    },
  },
  {
    service: 'ldaps',
    aliases: ['ssl/ldap', 'msft-gc-ssl'],
    ports: ['636/tcp', '3269/tcp'],
    level: 'medium',
    sources: ['ms-adv190023', 'nist-sp800-123'],
    en: {
      summary: 'LDAP over TLS: the directory server with an encrypted connection.',
      why: 'Encryption protects passwords on the wire, but the directory behind it still lists users and groups and accepts password guesses; domain controllers in particular should never be reachable from the Internet.',
      fix: [
        'Allow ports 636 and 3269 in the firewall only from the internal networks that need them.',
        'Disable anonymous binds and keep the certificate valid.',
      ],
    },
    es: {
      summary: 'LDAP sobre TLS: el servidor de directorio con la conexión cifrada.',
      why: 'El cifrado protege las contraseñas en la red, pero el directorio que hay detrás sigue listando usuarios y grupos y aceptando intentos de adivinar contraseñas; en especial, los controladores de dominio no deberían ser nunca accesibles desde Internet.',
      fix: [
        'Permita los puertos 636 y 3269 en el cortafuegos solo desde las redes internas que los necesitan.',
        'Desactive los accesos anónimos y mantenga el certificado en vigor.',
      ],
    },
  },
  {
    service: 'mdns',
    aliases: ['zeroconf', 'bonjour', 'avahi'],
    ports: ['5353/udp'],
    level: 'medium',
    sources: ['cisa-ta14-017a'],
    en: {
      summary: 'Multicast DNS (Avahi, Bonjour): devices on a local network announce their names and services to each other.',
      why: 'mDNS is meant for the local link only. A host that answers mDNS queries from other networks reveals its name, model and services, and can be used as a DDoS amplifier.',
      fix: [
        'Block 5353/udp from anything outside the local network in the firewall.',
        'If the service discovery is not needed (servers usually do not need it), disable it: `systemctl disable --now avahi-daemon.socket avahi-daemon.service`.',
      ],
    },
    es: {
      summary: 'DNS multidifusión (Avahi, Bonjour): los equipos de una red local anuncian entre sí sus nombres y servicios.',
      why: 'mDNS está pensado solo para el enlace local. Un equipo que responde consultas mDNS desde otras redes revela su nombre, modelo y servicios, y puede usarse como amplificador de DDoS.',
      fix: [
        'Bloquee en el cortafuegos el 5353/udp para todo lo que no sea la red local.',
        'Si el descubrimiento de servicios no hace falta (los servidores no suelen necesitarlo), desactívelo: `systemctl disable --now avahi-daemon.socket avahi-daemon.service`.',
      ],
    },
  },
  {
    service: 'netbios-ns',
    aliases: ['netbios-dgm', 'nbns', 'nbname'],
    ports: ['137/udp', '138/udp'],
    level: 'medium',
    sources: ['cisa-ta14-017a', 'cisa-smb-practices'],
    en: {
      summary: 'NetBIOS name and datagram services, an old Windows naming and browsing protocol.',
      why: 'NetBIOS answers reveal the computer name, domain or workgroup and logged-in user names, and its name resolution can be spoofed on the local network to capture password hashes. Reachable from outside, it is also used for amplification DDoS.',
      fix: [
        'Block ports 137-138/udp (and 139/tcp) at the network edge; they never need to cross the Internet.',
        'Where nothing depends on it, disable NetBIOS over TCP/IP (Windows: adapter properties, IPv4, Advanced, WINS tab; Samba: `disable netbios = yes`).',
      ],
    },
    es: {
      summary: 'Los servicios de nombres y datagramas NetBIOS, un antiguo protocolo de Windows para nombrar y explorar equipos.',
      why: 'Las respuestas NetBIOS revelan el nombre del equipo, el dominio o grupo de trabajo y los usuarios con sesión abierta, y su resolución de nombres puede falsificarse en la red local para capturar hashes de contraseñas. Accesible desde fuera, también se usa para ataques DDoS de amplificación.',
      fix: [
        'Bloquee los puertos 137-138/udp (y el 139/tcp) en el perímetro de la red; nunca necesitan cruzar Internet.',
        'Donde nada dependa de él, desactive NetBIOS sobre TCP/IP (Windows: propiedades del adaptador, IPv4, Opciones avanzadas, pestaña WINS; Samba: `disable netbios = yes`).',
      ],
    },
  },
  {
    service: 'ssdp',
    aliases: ['upnp', 'upnp-ssdp'],
    ports: ['1900/udp', '1900/tcp'],
    level: 'high',
    sources: ['cisa-ta14-017a', 'cisa-aa23-278a'],
    en: {
      summary: 'SSDP / UPnP discovery, with which routers, printers and media devices announce themselves and accept configuration.',
      why: 'SSDP answers are about 30 times larger than the request, so devices that answer from the Internet are widely used for amplification DDoS. UPnP on a router can also let any program on the network (malware included) open ports in the firewall, and UPnP stacks have a long record of remote code execution bugs.',
      fix: [
        'Block 1900/udp (and the UPnP HTTP port the device announces) from the Internet; it is meant for the local network only.',
        'On routers, turn UPnP off unless a specific device needs it; on servers, disable the service (for example minidlna or miniupnpd) if unused.',
        'Keep the device\'s firmware updated.',
      ],
    },
    es: {
      summary: 'Descubrimiento SSDP / UPnP, con el que routers, impresoras y equipos multimedia se anuncian y aceptan configuración.',
      why: 'Las respuestas SSDP son unas 30 veces mayores que la petición, así que los equipos que responden desde Internet se usan mucho para ataques DDoS de amplificación. Además, UPnP en un router permite que cualquier programa de la red (incluido el malware) abra puertos en el cortafuegos, y las implementaciones de UPnP tienen un largo historial de fallos de ejecución remota de código.',
      fix: [
        'Bloquee el 1900/udp (y el puerto HTTP de UPnP que anuncia el equipo) desde Internet; está pensado solo para la red local.',
        'En los routers, desactive UPnP salvo que un equipo concreto lo necesite; en los servidores, desactive el servicio (por ejemplo minidlna o miniupnpd) si no se usa.',
        'Mantenga actualizado el firmware del equipo.',
      ],
    },
  },
  {
    service: 'chargen',
    aliases: ['ttytst', 'source', 'qotd', 'quote'],
    ports: ['19/udp', '19/tcp', '17/udp', '17/tcp'],
    level: 'high',
    sources: ['cisa-ta14-017a'],
    en: {
      summary: 'Character Generator or Quote of the Day, old test services from inetd that answer any packet with text.',
      why: 'No one needs them today, and over UDP they answer a tiny spoofed packet with a reply up to hundreds of times larger: a ready-made amplifier for DDoS attacks. Their presence usually means a device or an old inetd configuration nobody has reviewed.',
      fix: [
        'Turn them off: remove the `chargen` and `qotd` lines from inetd.conf or xinetd.d and restart the daemon; on a device, disable "simple TCP/IP services".',
        'Block ports 17 and 19 (UDP and TCP) in the firewall.',
      ],
    },
    es: {
      summary: 'Character Generator o Quote of the Day, antiguos servicios de prueba de inetd que responden con texto a cualquier paquete.',
      why: 'Hoy nadie los necesita, y por UDP responden a un paquete falsificado diminuto con una respuesta hasta cientos de veces mayor: un amplificador listo para ataques DDoS. Su presencia suele delatar un equipo o una configuración antigua de inetd que nadie ha revisado.',
      fix: [
        'Desactívelos: quite las líneas `chargen` y `qotd` de inetd.conf o de xinetd.d y reinicie el demonio; en un dispositivo, desactive los "servicios TCP/IP simples".',
        'Bloquee los puertos 17 y 19 (UDP y TCP) en el cortafuegos.',
      ],
    },
  },
  {
    service: 'sip',
    aliases: ['sip-tls', 'sips'],
    ports: ['5060/udp', '5060/tcp', '5061/tcp'],
    level: 'medium',
    sources: ['nist-sp800-58', 'cisa-aa23-278a'],
    en: {
      summary: 'A SIP server or phone (Asterisk, FreeSWITCH, an IP phone or VoIP gateway) that sets up voice and video calls.',
      why: 'Exposed SIP is scanned around the clock for extensions with weak passwords; once in, attackers place expensive international calls at your cost ("toll fraud"). Plain SIP on 5060 also reveals call details and credentials to anyone on the path.',
      fix: [
        'Allow SIP only from your phones and your provider\'s addresses in the firewall, or reach the server through a VPN.',
        'Give every extension a long random password, disable guest or anonymous calls (Asterisk: `allowguest=no`), and block repeated failed registrations (fail2ban).',
        'Prefer SIP over TLS (5061) with SRTP for the audio.',
      ],
    },
    es: {
      summary: 'Un servidor o teléfono SIP (Asterisk, FreeSWITCH, un teléfono IP o una pasarela VoIP) que establece llamadas de voz y vídeo.',
      why: 'Un SIP expuesto se rastrea a todas horas en busca de extensiones con contraseñas débiles; una vez dentro, los atacantes hacen costosas llamadas internacionales a su cargo ("fraude telefónico"). Además, SIP sin cifrar en el 5060 revela los detalles de las llamadas y las credenciales a cualquiera en el camino.',
      fix: [
        'Permita SIP en el cortafuegos solo desde sus teléfonos y las direcciones de su proveedor, o acceda al servidor por una VPN.',
        'Dé a cada extensión una contraseña larga y aleatoria, desactive las llamadas de invitados o anónimas (Asterisk: `allowguest=no`) y bloquee los registros fallidos repetidos (fail2ban).',
        'Prefiera SIP sobre TLS (5061) con SRTP para el audio.',
      ],
    },
  },
  {
    service: 'rtsp',
    aliases: ['rtsp-alt'],
    ports: ['554/tcp', '8554/tcp'],
    level: 'high',
    sources: ['cisa-ta16-288a', 'cisa-aa23-278a'],
    en: {
      summary: 'An RTSP media server, usually an IP camera, video recorder or streaming server.',
      why: 'Many cameras stream over RTSP with no password or a factory default, so anyone who finds the port can watch the video. These devices rarely get updates, and their web and Telnet interfaces are a favourite target of botnets.',
      fix: [
        'Do not expose cameras to the Internet: block port 554 in the router or firewall and watch remotely through a VPN.',
        'Change the default password and require authentication for RTSP streams in the device settings.',
        'Update the firmware, and turn off the device\'s UPnP and any cloud features you do not use.',
      ],
    },
    es: {
      summary: 'Un servidor multimedia RTSP, normalmente una cámara IP, un grabador de vídeo o un servidor de streaming.',
      why: 'Muchas cámaras emiten por RTSP sin contraseña o con la de fábrica, así que cualquiera que encuentre el puerto puede ver el vídeo. Estos equipos rara vez se actualizan, y sus interfaces web y Telnet son un objetivo favorito de las botnets.',
      fix: [
        'No exponga las cámaras a Internet: bloquee el puerto 554 en el router o el cortafuegos y véalas a distancia a través de una VPN.',
        'Cambie la contraseña de fábrica y exija autenticación para los flujos RTSP en la configuración del equipo.',
        'Actualice el firmware y desactive el UPnP del equipo y cualquier función en la nube que no use.',
      ],
    },
  },
  {
    service: 'pptp',
    ports: ['1723/tcp'],
    level: 'high',
    sources: ['ms-advisory-2743314', 'cisa-kev'],
    en: {
      summary: 'A PPTP VPN server, an old Microsoft VPN protocol.',
      why: 'PPTP normally authenticates with MS-CHAPv2, which can be cracked from a captured handshake, and its encryption (MPPE) is weak. Anyone who records a login can recover the password and the traffic.',
      fix: [
        'Replace PPTP with a modern VPN: WireGuard, OpenVPN or IPsec/IKEv2.',
        'Until then, allow port 1723 (and GRE, IP protocol 47) only from the addresses that need it.',
      ],
    },
    es: {
      summary: 'Un servidor VPN PPTP, un antiguo protocolo VPN de Microsoft.',
      why: 'PPTP suele autenticar con MS-CHAPv2, que puede romperse a partir de un intercambio capturado, y su cifrado (MPPE) es débil. Quien grabe un inicio de sesión puede recuperar la contraseña y el tráfico.',
      fix: [
        'Sustituya PPTP por una VPN moderna: WireGuard, OpenVPN o IPsec/IKEv2.',
        'Mientras tanto, permita el puerto 1723 (y GRE, protocolo IP 47) solo desde las direcciones que lo necesitan.',
      ],
    },
  },
  {
    service: 'vpn',
    aliases: ['isakmp', 'ike', 'ipsec-nat-t', 'ipsec', 'openvpn', 'wireguard'],
    ports: ['500/udp', '4500/udp', '1194/udp', '1194/tcp', '51820/udp'],
    level: 'low',
    sources: ['cisa-kev', 'nist-sp800-41'],
    en: {
      summary: 'A VPN endpoint (IPsec/IKE, OpenVPN or WireGuard) through which remote users or sites join the network.',
      why: 'A VPN is meant to be reachable, and it is the right way to reach internal services. But VPN appliances are among the most exploited devices: attackers move fast on new flaws, and a VPN that accepts only a password is open to credential stuffing.',
      fix: [
        'Keep the VPN software or appliance firmware updated, and watch the CISA Known Exploited Vulnerabilities catalog for your product.',
        'Require multi-factor authentication or client certificates, and use modern settings (IKEv2, AES-GCM; no aggressive-mode IKEv1 with pre-shared keys).',
        'If this host does not act as a VPN server, stop the service and close the port.',
      ],
    },
    es: {
      summary: 'Un punto de acceso VPN (IPsec/IKE, OpenVPN o WireGuard) por el que usuarios remotos u otras sedes se unen a la red.',
      why: 'Una VPN está pensada para ser accesible y es la forma correcta de llegar a los servicios internos. Pero los equipos VPN están entre los más atacados: los atacantes aprovechan enseguida cada fallo nuevo, y una VPN que solo pide contraseña queda expuesta al relleno de credenciales.',
      fix: [
        'Mantenga actualizado el software o el firmware de la VPN y vigile el catálogo de vulnerabilidades explotadas conocidas de CISA para su producto.',
        'Exija autenticación multifactor o certificados de cliente y use parámetros modernos (IKEv2, AES-GCM; nada de IKEv1 en modo agresivo con claves precompartidas).',
        'Si este equipo no actúa como servidor VPN, detenga el servicio y cierre el puerto.',
      ],
    },
  },
  {
    service: 'proxy',
    aliases: ['socks', 'socks5', 'socks-proxy', 'squid-http', 'squid'],
    ports: ['1080/tcp', '3128/tcp'],
    level: 'high',
    sources: ['nist-sp800-41', 'cisa-aa23-278a'],
    en: {
      summary: 'A proxy server (SOCKS or an HTTP proxy such as Squid) that makes connections on behalf of its clients.',
      why: 'A proxy that accepts anyone (an "open proxy") is quickly found and used to hide attacks, send spam and commit fraud from your address. It can also let outsiders reach internal services from inside your network.',
      fix: [
        'Make the proxy listen only on the internal interface or loopback (Squid: `http_port 127.0.0.1:3128`; Dante: `internal: 127.0.0.1 port = 1080`).',
        'Allow only your own networks (Squid: `http_access allow localnet` followed by `http_access deny all`) and require authentication if it must be reachable from outside.',
        'Block ports 1080 and 3128 in the firewall for everyone else.',
      ],
    },
    es: {
      summary: 'Un servidor proxy (SOCKS o un proxy HTTP como Squid) que abre conexiones en nombre de sus clientes.',
      why: 'Un proxy que acepta a cualquiera (un "proxy abierto") se descubre enseguida y se usa para ocultar ataques, enviar spam y cometer fraudes desde su dirección. También puede permitir que alguien de fuera llegue a servicios internos desde dentro de su red.',
      fix: [
        'Haga que el proxy escuche solo en la interfaz interna o en loopback (Squid: `http_port 127.0.0.1:3128`; Dante: `internal: 127.0.0.1 port = 1080`).',
        'Permita solo sus propias redes (Squid: `http_access allow localnet` seguido de `http_access deny all`) y exija autenticación si debe ser accesible desde fuera.',
        'Bloquee los puertos 1080 y 3128 en el cortafuegos para todos los demás.',
      ],
    },
  },
  {
    service: 'syslog',
    aliases: ['rsyslog', 'syslog-ng', 'syslog-tls'],
    ports: ['514/udp', '6514/tcp'],
    level: 'medium',
    sources: ['nist-sp800-92'],
    en: {
      summary: 'A syslog server, which receives log messages from other machines and devices.',
      why: 'Classic syslog over UDP has no authentication: anyone can send fake log lines to hide an attack or trigger false alarms, or flood the server until it drops real logs or fills its disk. The logs themselves travel unencrypted.',
      fix: [
        'Accept remote logs only from your own hosts (rsyslog: `$AllowedSender UDP, 192.168.1.0/24`, or a firewall rule allowing 514/udp only from them); if this machine collects no remote logs, remove the `imudp` / `imtcp` inputs.',
        'Prefer syslog over TLS (6514/tcp) with client certificates between sites.',
        'Set disk and rate limits so a flood cannot fill the disk.',
      ],
    },
    es: {
      summary: 'Un servidor syslog, que recibe mensajes de registro de otras máquinas y equipos.',
      why: 'El syslog clásico por UDP no tiene autenticación: cualquiera puede enviar líneas de registro falsas para ocultar un ataque o disparar falsas alarmas, o inundar el servidor hasta que pierda registros reales o llene el disco. Además, los registros viajan sin cifrar.',
      fix: [
        'Acepte registros remotos solo de sus propios equipos (rsyslog: `$AllowedSender UDP, 192.168.1.0/24`, o una regla de cortafuegos que permita el 514/udp solo desde ellos); si esta máquina no recoge registros remotos, quite las entradas `imudp` / `imtcp`.',
        'Entre sedes, prefiera syslog sobre TLS (6514/tcp) con certificados de cliente.',
        'Ponga límites de disco y de frecuencia para que una inundación no llene el disco.',
      ],
    },
  },
  {
    service: 'coap',
    aliases: ['coaps'],
    ports: ['5683/udp', '5684/udp'],
    level: 'medium',
    sources: ['rfc7252'],
    en: {
      summary: 'CoAP, a lightweight web protocol for IoT devices and sensors.',
      why: 'CoAP over UDP answers requests without a handshake, so devices reachable from the Internet are used as DDoS amplifiers; many also expose readings and controls without authentication unless DTLS (coaps) is configured.',
      fix: [
        'Block UDP 5683 from the Internet; CoAP devices belong on a local or VPN-only network.',
        'Where remote access is needed, use CoAP over DTLS (5684) with per-device keys, and update the device firmware.',
      ],
    },
    es: {
      summary: 'CoAP, un protocolo web ligero para dispositivos IoT y sensores.',
      why: 'CoAP sobre UDP responde a las peticiones sin establecer conexión, así que los equipos accesibles desde Internet se usan como amplificadores de DDoS; muchos muestran además lecturas y controles sin autenticación salvo que se configure DTLS (coaps).',
      fix: [
        'Bloquee el UDP 5683 desde Internet; los equipos CoAP deben estar en una red local o accesible solo por VPN.',
        'Si se necesita acceso remoto, use CoAP sobre DTLS (5684) con claves por equipo y actualice el firmware.',
      ],
    },
  },
  {
    service: 'llmnr',
    ports: ['5355/udp', '5355/tcp'],
    level: 'medium',
    sources: ['mitre-t1557-001'],
    en: {
      summary: 'LLMNR (Link-Local Multicast Name Resolution), which Windows and systemd-resolved use to resolve names on the local network when DNS fails.',
      why: 'Any machine on the same network can answer an LLMNR query with its own address; attackers use this to make Windows hosts send them password hashes (tools such as Responder), which are then cracked or relayed.',
      fix: [
        'Disable LLMNR: on Windows, Group Policy "Turn off multicast name resolution"; with systemd-resolved, `LLMNR=no` in /etc/systemd/resolved.conf.',
        'Disable NetBIOS name resolution too, and require SMB signing so captured hashes cannot be relayed.',
      ],
    },
    es: {
      summary: 'LLMNR (resolución de nombres multidifusión de enlace local), que Windows y systemd-resolved usan para resolver nombres en la red local cuando falla el DNS.',
      why: 'Cualquier máquina de la misma red puede responder a una consulta LLMNR con su propia dirección; los atacantes lo aprovechan para que los equipos Windows les envíen hashes de contraseñas (con herramientas como Responder), que después rompen o retransmiten.',
      fix: [
        'Desactive LLMNR: en Windows, la directiva de grupo "Desactivar resolución de nombres de multidifusión"; con systemd-resolved, `LLMNR=no` en /etc/systemd/resolved.conf.',
        'Desactive también la resolución de nombres NetBIOS y exija la firma SMB para que los hashes capturados no puedan retransmitirse.',
      ],
    },
  },
];
