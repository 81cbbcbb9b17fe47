/** The shape of the risk knowledge: one entry per service, its text in each language Portcullis speaks. */
import type { RiskSourceId } from './sources.js';

/** How much an exposed service matters, from "worth knowing" to "fix it today". */
export type RiskLevel = 'info' | 'low' | 'medium' | 'high' | 'critical';

/** A language the risk text is written in. */
export type RiskLang = 'en' | 'es';

/** The explanation of one service in one language. */
export interface RiskText {
  /** What the service is, in one sentence. */
  readonly summary: string;
  /** Why exposing it to a network is risky, concretely. */
  readonly why: string;
  /** How to close or restrict it, one step per item, in the order to do them. */
  readonly fix: readonly string[];
}

/** One service's risk knowledge, in every language. */
export interface RiskEntry {
  /** The service name in IANA/nmap convention (`redis`, `ms-wbt-server`, ...). */
  readonly service: string;
  /** Other names the same service goes by (IANA's name when it differs, nmap's, common ones). */
  readonly aliases?: readonly string[];
  /** Well-known ports ("6379/tcp"), used when the name is unknown or only guessed from the port table. */
  readonly ports: readonly `${number}/${'tcp' | 'udp'}`[];
  readonly level: RiskLevel;
  /** Ids of entries in sources.ts (and docs/reference/risk-sources.md). */
  readonly sources: readonly RiskSourceId[];
  readonly en: RiskText;
  readonly es: RiskText;
}
