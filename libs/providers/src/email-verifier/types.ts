/** Reacher's `POST /v0/check_email` answer (reacherhq/check-if-email-exists, provider-apis.md §8). */
export type ReacherReachable = 'safe' | 'risky' | 'invalid' | 'unknown';

export interface ReacherCheckEmailOutput {
  input: string;
  is_reachable: ReacherReachable;
  misc: { is_disposable: boolean; is_role_account: boolean; gravatar_url?: string | null } | ReacherError;
  mx: { accepts_mail: boolean; records: string[] } | ReacherError;
  smtp:
    | {
        can_connect_smtp: boolean;
        has_full_inbox: boolean;
        is_catch_all: boolean;
        is_deliverable: boolean;
        is_disabled: boolean;
      }
    | ReacherError;
  syntax: { address: string | null; domain: string; is_valid_syntax: boolean; username: string };
}

/** Reacher reports a failed sub-check in place of its details. */
export interface ReacherError {
  type: string;
  message: string;
}
