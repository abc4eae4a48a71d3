import type { Plot } from '../plots.js';
import type { ReportSection, Table } from '../report.js';
import type { TrialConfig, TrialRecord } from '../trial.js';

export type Scale = 'full' | 'quick';

export interface Claim {
  claim: string;
  holds: boolean;
  detail: string;
}

export interface Analysis {
  sections: ReportSection[];
  tables: Table[];
  plots: Plot[];
  claims: Claim[];
  /** Headline numbers for the terminal and claims.json. */
  figures: Record<string, number | null>;
}

export interface Reproduction {
  name: string;
  title: string;
  /** Where the claim comes from in the source documents. */
  source: string;
  /** What the reproduction checks, in one or two sentences. */
  summary: string;
  trials(scale: Scale): TrialConfig[];
  /** Tables, plots (written into `plotDir`) and checked claims from the finished trials. */
  analyze(records: TrialRecord[], plotDir: string | null, scale: Scale): Promise<Analysis>;
}
