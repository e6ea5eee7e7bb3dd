export type PiiType =
  | 'name'
  | 'email'
  | 'phone'
  | 'address'
  | 'postcode'
  | 'nhs_number'
  | 'ni_number'
  | 'card'
  | 'iban'
  | 'bank_account'
  | 'sort_code'
  | 'ip_address'
  | 'date_of_birth'
  | 'ssn'
  | 'zip_code';

/** A detected span: offsets in JS string units, `end` exclusive. */
export interface PiiSpan {
  start: number;
  end: number;
  type: PiiType;
}

/** A candidate before overlap resolution; higher priority wins a conflict. */
export interface PiiCandidate extends PiiSpan {
  priority: number;
  /** Another candidate this one only makes sense with (a building number before its street). */
  requires?: PiiCandidate;
}
