/** Risk knowledge for developer and debugging services that should never face a network. */
import type { RiskEntry } from './types.js';

export const DEVELOPMENT: readonly RiskEntry[] = [
  {
    service: 'jupyter',
    aliases: ['jupyter-notebook', 'jupyterlab', 'ipython'],
    ports: ['8888/tcp'],
    level: 'critical',
    sources: ['jupyter-security'],
    en: {
      summary: 'A Jupyter notebook or JupyterLab server, a web page that runs Python (or other) code on this machine.',
      why: 'Access to a Jupyter server is access to a shell: anyone who gets in can run any command as the user who started it. Servers started with the token and password turned off, or listening on all interfaces, are found and used to mine cryptocurrency or steal data and cloud keys.',
      fix: [
        'Keep it on loopback (the default, `--ip=127.0.0.1`) and reach it through an SSH tunnel: `ssh -L 8888:localhost:8888 user@host`.',
        'Never start it with an empty token or password (`--IdentityProvider.token=\'\'` or the older `--NotebookApp.token=\'\'`); set a strong password with `jupyter server password`.',
        'For several users, use JupyterHub behind HTTPS instead of exposing a single-user server.',
      ],
    },
    es: {
      summary: 'Un servidor de Jupyter Notebook o JupyterLab, una página web que ejecuta código Python (u otro) en esta máquina.',
      why: 'Acceder a un servidor Jupyter es acceder a una consola: quien entra puede ejecutar cualquier orden como el usuario que lo arrancó. Los servidores arrancados sin token ni contraseña, o escuchando en todas las interfaces, se descubren y se usan para minar criptomonedas o robar datos y claves de la nube.',
      fix: [
        'Manténgalo en loopback (el valor por defecto, `--ip=127.0.0.1`) y acceda por un túnel SSH: `ssh -L 8888:localhost:8888 usuario@host`.',
        'No lo arranque nunca con el token o la contraseña vacíos (`--IdentityProvider.token=\'\'` o el antiguo `--NotebookApp.token=\'\'`); configure una contraseña robusta con `jupyter server password`.',
        'Para varios usuarios, use JupyterHub detrás de HTTPS en lugar de exponer un servidor de un solo usuario.',
      ],
    },
  },
  {
    service: 'adb',
    aliases: ['android-adb'],
    ports: ['5555/tcp'],
    level: 'critical',
    sources: ['android-adb', 'cisa-aa23-278a'],
    en: {
      summary: 'Android Debug Bridge over the network: a developer interface to an Android phone, TV box or other Android device.',
      why: 'ADB over TCP has no password: whoever connects gets a shell on the device and can install apps. TV boxes and other devices shipped with network ADB turned on have been swept into botnets and cryptomining campaigns.',
      fix: [
        'Turn network debugging off: on the device, disable "ADB over network" / "Wireless debugging" in Developer options, or run `adb usb` to go back to USB only.',
        'Block port 5555 at the router and firewall, and do not forward it from the Internet.',
      ],
    },
    es: {
      summary: 'Android Debug Bridge por la red: una interfaz de desarrollo para un teléfono, un descodificador de TV u otro equipo Android.',
      why: 'ADB por TCP no tiene contraseña: quien se conecta obtiene una consola en el equipo y puede instalar aplicaciones. Descodificadores de TV y otros equipos vendidos con ADB en red activado han acabado en botnets y en campañas de minería de criptomonedas.',
      fix: [
        'Desactive la depuración por red: en el equipo, desactive "Depuración ADB por red" / "Depuración inalámbrica" en las Opciones de desarrollador, o ejecute `adb usb` para volver a solo USB.',
        'Bloquee el puerto 5555 en el router y el cortafuegos, y no lo redirija desde Internet.',
      ],
    },
  },
  {
    service: 'git',
    aliases: ['git-daemon'],
    ports: ['9418/tcp'],
    level: 'medium',
    sources: ['git-daemon'],
    en: {
      summary: 'The git daemon, which serves Git repositories over the unauthenticated git:// protocol.',
      why: 'git:// has no authentication and no encryption: every exported repository can be cloned by anyone who reaches the port, and clients cannot tell whether the data was tampered with on the way. Private code, and secrets committed to it, leak this way.',
      fix: [
        'Serve private repositories over SSH or HTTPS with authentication instead, and stop git-daemon if it is not meant to publish code.',
        'If it stays, export only public repositories (no `--export-all`; a `git-daemon-export-ok` file in each one) and never enable `receive-pack` (pushes).',
      ],
    },
    es: {
      summary: 'El demonio git, que sirve repositorios Git por el protocolo git:// sin autenticación.',
      why: 'git:// no tiene autenticación ni cifrado: cualquiera que llegue al puerto puede clonar todos los repositorios exportados, y los clientes no pueden saber si los datos se alteraron por el camino. Así se filtran código privado y los secretos que alguien subió a él.',
      fix: [
        'Sirva los repositorios privados por SSH o HTTPS con autenticación y detenga git-daemon si no debe publicar código.',
        'Si se queda, exporte solo repositorios públicos (sin `--export-all`; con un archivo `git-daemon-export-ok` en cada uno) y no active nunca `receive-pack` (envíos).',
      ],
    },
  },
];
