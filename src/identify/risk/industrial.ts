/** Risk knowledge for industrial control and building automation protocols. */
import type { RiskEntry } from './types.js';

export const INDUSTRIAL: readonly RiskEntry[] = [
  {
    service: 'mbap',
    aliases: ['modbus', 'modbus-tcp'],
    ports: ['502/tcp'],
    level: 'critical',
    sources: ['cisa-ot-mitigations'],
    en: {
      summary: 'Modbus/TCP, an industrial control protocol used by PLCs, meters and building or plant equipment.',
      why: 'Modbus has no authentication at all: anyone who can reach the port can read values and write commands that move physical equipment (pumps, valves, heating). Exposed controllers are found by Internet search engines and have been tampered with in real attacks on water and energy facilities.',
      fix: [
        'Remove the device from the Internet: block port 502 at the firewall and the router, with no port forwarding.',
        'Separate the control network from the office network and reach it only through a VPN with multi-factor authentication.',
        'Change default passwords on the device\'s other interfaces and keep a way to operate the process by hand.',
      ],
    },
    es: {
      summary: 'Modbus/TCP, un protocolo de control industrial que usan los PLC, los contadores y los equipos de edificios o plantas.',
      why: 'Modbus no tiene ninguna autenticación: cualquiera que llegue al puerto puede leer valores y escribir órdenes que mueven equipos físicos (bombas, válvulas, calefacción). Los controladores expuestos aparecen en los buscadores de dispositivos de Internet y han sido manipulados en ataques reales contra instalaciones de agua y energía.',
      fix: [
        'Saque el equipo de Internet: bloquee el puerto 502 en el cortafuegos y en el router, sin redirección de puertos.',
        'Separe la red de control de la red de oficina y acceda a ella solo por una VPN con autenticación multifactor.',
        'Cambie las contraseñas de fábrica de las demás interfaces del equipo y conserve la forma de operar el proceso a mano.',
      ],
    },
  },
  {
    service: 'iso-tsap',
    aliases: ['s7', 's7comm', 'siemens-s7'],
    ports: ['102/tcp'],
    level: 'critical',
    sources: ['cisa-ot-mitigations'],
    en: {
      summary: 'ISO-TSAP on port 102, used above all by Siemens S7 PLCs (S7comm) to be programmed and monitored.',
      why: 'Older S7 controllers accept commands from anyone who can reach port 102: read and write process values, stop the CPU or load new logic. Industrial controllers exposed to the Internet are catalogued by search engines and targeted by attackers.',
      fix: [
        'Remove the controller from the Internet: block port 102 at the firewall and router, with no port forwarding.',
        'Reach the control network only through a VPN with multi-factor authentication, and enable the PLC\'s access protection (password and read-only level) where the model supports it.',
      ],
    },
    es: {
      summary: 'ISO-TSAP en el puerto 102, que usan sobre todo los PLC Siemens S7 (S7comm) para programarse y monitorizarse.',
      why: 'Los controladores S7 antiguos aceptan órdenes de cualquiera que llegue al puerto 102: leer y escribir valores del proceso, detener la CPU o cargar una lógica nueva. Los controladores industriales expuestos a Internet aparecen en buscadores especializados y son objetivo de ataques.',
      fix: [
        'Saque el controlador de Internet: bloquee el puerto 102 en el cortafuegos y el router, sin redirección de puertos.',
        'Acceda a la red de control solo por una VPN con autenticación multifactor y active la protección de acceso del PLC (contraseña y nivel de solo lectura) si el modelo lo permite.',
      ],
    },
  },
  {
    service: 'bacnet',
    aliases: ['bacnet-ip'],
    ports: ['47808/udp'],
    level: 'high',
    sources: ['cisa-ot-mitigations'],
    en: {
      summary: 'BACnet/IP, the building automation protocol of heating, ventilation, lighting and access control systems.',
      why: 'BACnet devices usually have no authentication: anyone who reaches UDP 47808 can list the devices and change set points or schedules. Exposed building controllers also leak details about the site.',
      fix: [
        'Block UDP 47808 at the Internet edge and keep building systems on their own network segment.',
        'Give remote maintenance access only through a VPN with multi-factor authentication, and change default passwords on the controllers\' web interfaces.',
      ],
    },
    es: {
      summary: 'BACnet/IP, el protocolo de automatización de edificios que usan la climatización, la iluminación y el control de accesos.',
      why: 'Los equipos BACnet no suelen tener autenticación: cualquiera que llegue al UDP 47808 puede listarlos y cambiar consignas u horarios. Los controladores de edificios expuestos revelan además detalles de la instalación.',
      fix: [
        'Bloquee el UDP 47808 en el perímetro con Internet y mantenga los sistemas del edificio en su propio segmento de red.',
        'Dé el acceso de mantenimiento remoto solo por una VPN con autenticación multifactor y cambie las contraseñas de fábrica de las interfaces web de los controladores.',
      ],
    },
  },
  {
    service: 'dnp',
    aliases: ['dnp3', 'dnp-sec'],
    ports: ['20000/tcp', '20000/udp'],
    level: 'critical',
    sources: ['cisa-ot-mitigations'],
    en: {
      summary: 'DNP3, a control protocol used by electric, water and gas utilities between control centres and field devices.',
      why: 'Plain DNP3 has no authentication or encryption: whoever can reach the device can read measurements and send control commands, such as opening breakers or valves. These devices should never be on the Internet.',
      fix: [
        'Block port 20000 at the Internet edge and allow it only from the control centre\'s addresses.',
        'Use DNP3 Secure Authentication or a VPN between sites, and segment the field network from office networks.',
      ],
    },
    es: {
      summary: 'DNP3, un protocolo de control que usan las compañías eléctricas, de agua y de gas entre los centros de control y los equipos de campo.',
      why: 'DNP3 sin protección no tiene autenticación ni cifrado: quien llegue al equipo puede leer medidas y enviar órdenes de control, como abrir interruptores o válvulas. Estos equipos no deberían estar nunca en Internet.',
      fix: [
        'Bloquee el puerto 20000 en el perímetro con Internet y permítalo solo desde las direcciones del centro de control.',
        'Use la autenticación segura de DNP3 (Secure Authentication) o una VPN entre sedes, y separe la red de campo de las redes de oficina.',
      ],
    },
  },
];
