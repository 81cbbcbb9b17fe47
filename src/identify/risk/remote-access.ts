/** Risk knowledge for remote shells and remote desktops. */
import type { RiskEntry } from './types.js';

export const REMOTE_ACCESS: readonly RiskEntry[] = [
  {
    service: 'ssh',
    ports: ['22/tcp'],
    level: 'medium',
    sources: ['openssh-sshd-config', 'cve-2024-6387', 'nist-sp800-123', 'cisa-aa23-278a'],
    en: {
      summary: 'SSH gives an encrypted remote shell and file transfer on this machine.',
      why: 'SSH itself is safe to expose when it is kept up to date, but every SSH server on the Internet receives a steady stream of password-guessing attempts; a weak password, or root login with a password, is enough to lose the machine. Old versions have had serious bugs (for example regreSSHion, CVE-2024-6387).',
      fix: [
        'Use key-based logins and turn off passwords: in /etc/ssh/sshd_config set `PasswordAuthentication no` and `KbdInteractiveAuthentication no`, then reload sshd.',
        'Forbid direct root logins with passwords: `PermitRootLogin prohibit-password` (or `no`).',
        'If only some networks need it, allow port 22 in the firewall just from them (or put it behind a VPN), and rate-limit new connections (fail2ban or an nftables meter).',
        'Keep OpenSSH updated with the system\'s security updates.',
      ],
    },
    es: {
      summary: 'SSH ofrece un intérprete de órdenes remoto y transferencia de archivos cifrados en esta máquina.',
      why: 'Exponer SSH es razonable si se mantiene actualizado, pero todo servidor SSH en Internet recibe un flujo constante de intentos de adivinar contraseñas; basta una contraseña débil, o permitir a root entrar con contraseña, para perder la máquina. Las versiones antiguas han tenido fallos graves (por ejemplo regreSSHion, CVE-2024-6387).',
      fix: [
        'Entre con claves y desactive las contraseñas: en /etc/ssh/sshd_config ponga `PasswordAuthentication no` y `KbdInteractiveAuthentication no`, y recargue sshd.',
        'Impida que root entre directamente con contraseña: `PermitRootLogin prohibit-password` (o `no`).',
        'Si solo algunas redes lo necesitan, permita el puerto 22 en el cortafuegos únicamente desde ellas (o póngalo detrás de una VPN) y limite la frecuencia de conexiones nuevas (con fail2ban o con un límite de frecuencia en nftables).',
        'Mantenga OpenSSH al día con las actualizaciones de seguridad del sistema.',
      ],
    },
  },
  {
    service: 'telnet',
    ports: ['23/tcp', '2323/tcp'],
    level: 'critical',
    sources: ['cisa-ta16-288a', 'cisa-aa23-278a', 'nist-sp800-123'],
    en: {
      summary: 'Telnet is an old remote login protocol with no encryption at all.',
      why: 'Usernames, passwords and everything typed cross the network in cleartext, so anyone on the path can read them. Telnet on routers, cameras and other devices is what botnets such as Mirai scan for: they log in with a short list of factory-default passwords and take the device over.',
      fix: [
        'Turn the Telnet service off (for example `systemctl disable --now telnet.socket` or remove the telnetd / inetd entry); on a device, disable it in its administration page.',
        'Use SSH instead for remote administration.',
        'Until it is off, block ports 23 and 2323 in the firewall and change any default password on the device.',
      ],
    },
    es: {
      summary: 'Telnet es un protocolo antiguo de acceso remoto que no cifra nada.',
      why: 'Los nombres de usuario, las contraseñas y todo lo que se escribe viajan por la red en claro, así que cualquiera en el camino puede leerlos. Telnet en routers, cámaras y otros dispositivos es justo lo que buscan botnets como Mirai: entran con una lista corta de contraseñas de fábrica y se apoderan del equipo.',
      fix: [
        'Desactive el servicio Telnet (por ejemplo `systemctl disable --now telnet.socket`, o quite la entrada de telnetd / inetd); en un dispositivo, desactívelo en su página de administración.',
        'Use SSH para la administración remota.',
        'Mientras siga activo, bloquee los puertos 23 y 2323 en el cortafuegos y cambie cualquier contraseña de fábrica del dispositivo.',
      ],
    },
  },
  {
    service: 'ms-wbt-server',
    aliases: ['rdp', 'ms-term-serv', 'remote-desktop'],
    ports: ['3389/tcp', '3389/udp'],
    level: 'high',
    sources: ['cisa-ransomware-guide', 'cve-2019-0708', 'cisa-aa23-278a'],
    en: {
      summary: 'Remote Desktop (RDP) gives a full graphical Windows session over the network.',
      why: 'RDP exposed to the Internet is one of the most common ways ransomware gangs get in: they guess or buy passwords and log in as a user. RDP has also had pre-login remote code execution flaws such as BlueKeep (CVE-2019-0708), which needed no password at all.',
      fix: [
        'Do not expose port 3389 to the Internet: reach it through a VPN or a Remote Desktop Gateway with multi-factor authentication.',
        'Restrict it in Windows Defender Firewall to the admin networks (the "Remote Desktop" rules, Scope tab, Remote IP address), or turn Remote Desktop off where it is not needed.',
        'Require Network Level Authentication, set an account lockout policy, and allow RDP only for the accounts that need it.',
        'Install Windows security updates promptly.',
      ],
    },
    es: {
      summary: 'Escritorio remoto (RDP) ofrece una sesión gráfica completa de Windows a través de la red.',
      why: 'Un RDP expuesto a Internet es una de las vías de entrada más habituales de las bandas de ransomware: adivinan o compran contraseñas y entran como un usuario más. RDP también ha tenido fallos de ejecución remota de código anteriores al inicio de sesión, como BlueKeep (CVE-2019-0708), que no necesitaban ninguna contraseña.',
      fix: [
        'No exponga el puerto 3389 a Internet: acceda a través de una VPN o de una puerta de enlace de Escritorio remoto con autenticación multifactor.',
        'Limítelo en el Firewall de Windows Defender a las redes de administración (reglas "Escritorio remoto", pestaña Ámbito, Dirección IP remota), o desactive Escritorio remoto donde no haga falta.',
        'Exija la autenticación a nivel de red (NLA), configure una directiva de bloqueo de cuentas y permita RDP solo a las cuentas que lo necesitan.',
        'Instale sin demora las actualizaciones de seguridad de Windows.',
      ],
    },
  },
  {
    service: 'vnc',
    aliases: ['rfb', 'vnc-http'],
    ports: ['5900/tcp', '5901/tcp', '5902/tcp', '5800/tcp'],
    level: 'high',
    sources: ['cisa-aa23-278a', 'nist-sp800-123'],
    en: {
      summary: 'VNC shares this machine\'s screen, keyboard and mouse over the network.',
      why: 'Many VNC servers use a single short password (classic VNC authentication only uses its first 8 characters), some run with no password at all, and the traffic is usually unencrypted. Whoever gets in sees and controls the desktop as the logged-in user.',
      fix: [
        'Make the VNC server listen on loopback only (for example `-localhost` for TigerVNC and TightVNC, or `-listen localhost` for x11vnc) and connect through an SSH tunnel: `ssh -L 5901:localhost:5901 user@host`.',
        'Otherwise allow ports 5900-5901 in the firewall only from trusted addresses, or use a VPN.',
        'Always set a strong password, and prefer a VNC server that supports encryption (VeNCrypt/TLS).',
      ],
    },
    es: {
      summary: 'VNC comparte la pantalla, el teclado y el ratón de esta máquina a través de la red.',
      why: 'Muchos servidores VNC usan una única contraseña corta (la autenticación VNC clásica solo tiene en cuenta los 8 primeros caracteres), algunos funcionan sin contraseña y el tráfico no suele ir cifrado. Quien entra ve y controla el escritorio como el usuario que tiene la sesión abierta.',
      fix: [
        'Haga que el servidor VNC escuche solo en loopback (por ejemplo `-localhost` en TigerVNC y TightVNC, o `-listen localhost` en x11vnc) y conéctese mediante un túnel SSH: `ssh -L 5901:localhost:5901 usuario@host`.',
        'Si no, permita los puertos 5900-5901 en el cortafuegos solo desde direcciones de confianza, o use una VPN.',
        'Configure siempre una contraseña robusta y prefiera un servidor VNC con cifrado (VeNCrypt/TLS).',
      ],
    },
  },
  {
    service: 'x11',
    aliases: ['xserver', 'x11-1', 'x11-2'],
    ports: ['6000/tcp', '6001/tcp', '6002/tcp'],
    level: 'high',
    sources: ['xserver-man', 'nist-sp800-123'],
    en: {
      summary: 'An X11 display server accepting connections over TCP.',
      why: 'A program that can connect to an X server can read every keystroke, take screenshots and inject input into the desktop. If access control was disabled (`xhost +`), anyone on the network can do it; X11 traffic is also unencrypted.',
      fix: [
        'Start the X server with `-nolisten tcp` (the default in current Xorg; check your display manager\'s configuration does not re-enable TCP).',
        'Use `ssh -X` (X11 forwarding) to run remote graphical programs instead of direct TCP connections, and never run `xhost +`.',
        'Block ports 6000-6063 in the firewall.',
      ],
    },
    es: {
      summary: 'Un servidor gráfico X11 que acepta conexiones por TCP.',
      why: 'Un programa que puede conectarse a un servidor X puede leer cada pulsación de teclado, hacer capturas de pantalla e inyectar eventos en el escritorio. Si el control de acceso está desactivado (`xhost +`), cualquiera en la red puede hacerlo; además, el tráfico X11 no va cifrado.',
      fix: [
        'Arranque el servidor X con `-nolisten tcp` (es el valor por defecto en Xorg actual; compruebe que la configuración del gestor de pantalla no vuelve a activar TCP).',
        'Para ejecutar programas gráficos remotos use `ssh -X` (reenvío X11) en lugar de conexiones TCP directas, y nunca ejecute `xhost +`.',
        'Bloquee los puertos 6000-6063 en el cortafuegos.',
      ],
    },
  },
  {
    service: 'winrm',
    aliases: ['wsman', 'wsmans', 'winrm-https'],
    ports: ['5985/tcp', '5986/tcp'],
    level: 'high',
    sources: ['ms-winrm-security', 'cisa-aa23-278a'],
    en: {
      summary: 'Windows Remote Management (WinRM), which PowerShell Remoting uses to run commands on this machine.',
      why: 'WinRM gives administrators a remote command line, so stolen or guessed admin credentials are enough to take over the machine through it; attackers use it to move from one Windows host to the next. Port 5985 is plain HTTP: with Basic authentication or AllowUnencrypted enabled, credentials and commands can be read on the network.',
      fix: [
        'If remote management is not used, turn it off: `Disable-PSRemoting -Force` and stop the WinRM service, or block ports 5985 and 5986 in Windows Defender Firewall.',
        'Otherwise allow WinRM only from admin workstations or jump hosts (firewall rule scope), and prefer the HTTPS listener on 5986 with a valid certificate.',
        'Keep `AllowUnencrypted` false and Basic authentication off (`winrm get winrm/config/service` shows both).',
      ],
    },
    es: {
      summary: 'Administración remota de Windows (WinRM), que PowerShell Remoting usa para ejecutar órdenes en esta máquina.',
      why: 'WinRM da a los administradores una línea de órdenes remota, así que unas credenciales de administrador robadas o adivinadas bastan para tomar la máquina a través de él; los atacantes lo usan para saltar de un equipo Windows a otro. El puerto 5985 es HTTP sin cifrar: con la autenticación Basic o AllowUnencrypted activados, las credenciales y las órdenes pueden leerse en la red.',
      fix: [
        'Si no usa la administración remota, desactívela: `Disable-PSRemoting -Force` y detenga el servicio WinRM, o bloquee los puertos 5985 y 5986 en el Firewall de Windows Defender.',
        'Si la usa, permita WinRM solo desde las estaciones de administración o equipos de salto (ámbito de la regla del cortafuegos) y prefiera el agente HTTPS en el 5986 con un certificado válido.',
        'Mantenga `AllowUnencrypted` en false y la autenticación Basic desactivada (`winrm get winrm/config/service` muestra ambas cosas).',
      ],
    },
  },
  {
    service: 'rsh',
    aliases: ['shell', 'login', 'exec', 'rlogin', 'rexec', 'cmd'],
    ports: ['512/tcp', '513/tcp', '514/tcp'],
    level: 'critical',
    sources: ['nist-sp800-123', 'cisa-aa23-278a'],
    en: {
      summary: 'The Berkeley r-services (rsh, rlogin, rexec), the remote shells that came before SSH.',
      why: 'They send passwords in cleartext or trust the client\'s address and user name from .rhosts and hosts.equiv files, which an attacker on the network can fake. Any of them open is an easy way in.',
      fix: [
        'Turn them off: remove the rsh-server or rsh-redone-server package, or disable the `rsh.socket`, `rlogin.socket` and `rexec.socket` units (or their inetd lines).',
        'Use SSH instead, and delete any .rhosts and /etc/hosts.equiv files.',
        'Block ports 512-514/tcp in the firewall.',
      ],
    },
    es: {
      summary: 'Los servicios r de Berkeley (rsh, rlogin, rexec), los intérpretes remotos anteriores a SSH.',
      why: 'Envían las contraseñas en claro o confían en la dirección y el nombre de usuario del cliente según los archivos .rhosts y hosts.equiv, algo que un atacante en la red puede falsificar. Cualquiera de ellos abierto es una entrada fácil.',
      fix: [
        'Desactívelos: desinstale el paquete rsh-server o rsh-redone-server, o deshabilite las unidades `rsh.socket`, `rlogin.socket` y `rexec.socket` (o sus líneas de inetd).',
        'Use SSH en su lugar y borre cualquier archivo .rhosts y /etc/hosts.equiv.',
        'Bloquee los puertos 512-514/tcp en el cortafuegos.',
      ],
    },
  },
  {
    service: 'ipmi',
    aliases: ['asf-rmcp', 'rmcp', 'ipmi-rmcp'],
    ports: ['623/udp'],
    level: 'critical',
    sources: ['cisa-ta13-207a', 'cisa-aa23-278a'],
    en: {
      summary: 'IPMI, the out-of-band management controller (BMC: iDRAC, iLO, IMM, Supermicro IPMI) that can power, reinstall and control the server below the operating system.',
      why: 'Whoever controls the BMC controls the server: console, power, virtual media, firmware. IPMI 2.0 lets anyone request a password hash for a known user name and crack it offline, many BMCs allow "cipher 0" logins without a valid password, and default credentials are common.',
      fix: [
        'Put BMCs on a separate management network or VLAN that is never reachable from the Internet or user networks, and block UDP 623 everywhere else.',
        'Change default passwords, disable cipher suite 0 and anonymous or null users, and turn off IPMI-over-LAN if the web console or Redfish over HTTPS is enough.',
        'Keep the BMC firmware updated.',
      ],
    },
    es: {
      summary: 'IPMI, el controlador de gestión fuera de banda (BMC: iDRAC, iLO, IMM, IPMI de Supermicro) que puede encender, reinstalar y controlar el servidor por debajo del sistema operativo.',
      why: 'Quien controla el BMC controla el servidor: consola, encendido, medios virtuales, firmware. IPMI 2.0 permite a cualquiera pedir el hash de la contraseña de un usuario conocido y romperlo sin conexión, muchos BMC aceptan inicios de sesión con "cipher 0" sin una contraseña válida, y las credenciales de fábrica son frecuentes.',
      fix: [
        'Ponga los BMC en una red o VLAN de gestión separada que nunca sea accesible desde Internet ni desde las redes de usuarios, y bloquee el UDP 623 en todo lo demás.',
        'Cambie las contraseñas de fábrica, desactive el cipher suite 0 y los usuarios anónimos o nulos, y apague IPMI sobre LAN si basta con la consola web o Redfish por HTTPS.',
        'Mantenga actualizado el firmware del BMC.',
      ],
    },
  },
];
