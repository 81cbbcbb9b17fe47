/** The report layer's user-facing strings, in English and Spanish. */

/** A language Portcullis speaks. */
export type Lang = 'en' | 'es';

const en = {
  starting: (v: string, at: string) => `Starting Portcullis ${v} at ${at}`,
  reportFor: (who: string) => `Portcullis scan report for ${who}`,
  hostUp: (latency: string) => `Host is up (${latency}s latency).`,
  hostUpNoLatency: () => 'Host is up.',
  hostSilent: () => 'Host did not answer on any port (every port filtered).',
  hostDown: (reason: string) => `Host seems down (${reason}). If it is really up but blocking our pings, try -Pn.`,
  hostTimedOut: () => 'Skipping the rest of this host: --host-timeout reached.',
  notShown: (parts: string) => `Not shown: ${parts}`,
  notShownPart: (count: number, state: string, proto: string, reasons: string) => `${count} ${state} ${proto} ports (${reasons})`,
  allSame: (count: number, state: string, proto: string, reasons: string) => `All ${count} scanned ports on this host are ${state} ${proto} ports (${reasons})`,
  colPort: () => 'PORT',
  colState: () => 'STATE',
  colService: () => 'SERVICE',
  colReason: () => 'REASON',
  colVersion: () => 'VERSION',
  serviceInfo: (os: string) => `Service Info: OS: ${os}`,
  risk: (level: string) => `risk (${level})`,
  fix: () => 'fix',
  done: (hosts: number, up: number, secs: string) => `Portcullis done: ${hosts} IP address${hosts === 1 ? '' : 'es'} (${up} host${up === 1 ? '' : 's'} up) scanned in ${secs} seconds`,
  interrupted: () => 'Scan interrupted: the results above are complete up to that point.',
  warning: (m: string) => `Warning: ${m}`,
  state: (s: string) => s,
  unverified: (state: string) => `${state} (unverified)`,
  /** A state as an adjective of "ports" (Spanish adjectives agree in number: "puertos cerrados"). */
  statePlural: (s: string) => s,
};

const es: typeof en = {
  starting: (v, at) => `Iniciando Portcullis ${v} el ${at}`,
  reportFor: (who) => `Informe de Portcullis para ${who}`,
  hostUp: (latency) => `El host está activo (latencia ${latency} s).`,
  hostUpNoLatency: () => 'El host está activo.',
  hostSilent: () => 'El host no respondió en ningún puerto (todos filtrados).',
  hostDown: (reason) => `El host parece inactivo (${reason}). Si está activo pero bloquea nuestros sondeos, pruebe -Pn.`,
  hostTimedOut: () => 'Se omite el resto de este host: se alcanzó --host-timeout.',
  notShown: (parts) => `No se muestran: ${parts}`,
  notShownPart: (count, state, proto, reasons) => `${count} puertos ${proto} ${state} (${reasons})`,
  allSame: (count, state, proto, reasons) => `Los ${count} puertos escaneados de este host son puertos ${proto} ${state} (${reasons})`,
  colPort: () => 'PUERTO',
  colState: () => 'ESTADO',
  colService: () => 'SERVICIO',
  colReason: () => 'MOTIVO',
  colVersion: () => 'VERSIÓN',
  serviceInfo: (os) => `Información del servicio: SO: ${os}`,
  risk: (level) => `riesgo (${({ info: 'informativo', low: 'bajo', medium: 'medio', high: 'alto', critical: 'crítico' } as Record<string, string>)[level] ?? level})`,
  fix: () => 'solución',
  done: (hosts, up, secs) => `Portcullis terminó: ${hosts} ${hosts === 1 ? 'dirección' : 'direcciones'} IP (${up} host${up === 1 ? '' : 's'} activo${up === 1 ? '' : 's'}) escaneada${hosts === 1 ? '' : 's'} en ${secs} segundos`,
  interrupted: () => 'Escaneo interrumpido: los resultados de arriba están completos hasta ese momento.',
  warning: (m) => `Aviso: ${m}`,
  unverified: (state) => `${state} (sin verificar)`,
  state: (s) => ({ open: 'abierto', closed: 'cerrado', filtered: 'filtrado', unfiltered: 'no filtrado', 'open|filtered': 'abierto|filtrado', 'closed|filtered': 'cerrado|filtrado' })[s] ?? s,
  statePlural: (s) => ({ open: 'abiertos', closed: 'cerrados', filtered: 'filtrados', unfiltered: 'no filtrados', 'open|filtered': 'abiertos|filtrados', 'closed|filtered': 'cerrados|filtrados' })[s] ?? s,
};

/** The catalog for a language. */
export function messages(lang: Lang): typeof en {
  return lang === 'es' ? es : en;
}
