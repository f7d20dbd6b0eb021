// What Ayrshare's refusals most likely mean and what to do about them: its HTTP-errors page, and its own error codes
// that say more than the HTTP status (419: X credentials, 187: no platform returned data).
import type { FailureClass } from '../core/model';
import { DEFAULT_BASE_URL } from '../core/defaults';

/** Where the X credentials are set, for messages. */
export const X_CREDENTIALS_SETTINGS =
  'AYRSHARE_X_API_KEY and AYRSHARE_X_API_SECRET locally, xApiKey and xApiSecret in the Ayrshare secret when deployed';

/** Ayrshare's own error codes that say more than the HTTP status. */
export function classOfErrorCode(code: unknown, action?: unknown): FailureClass | undefined {
  if (Number(code) === 419 || action === 'x_credentials_required') return 'x_credentials';
  if (Number(code) === 187) return 'no_data';
  return undefined;
}

/**
 * What a non-retryable answer most likely means (Ayrshare's HTTP-errors page and its error codes), and what to do
 * about it.
 */
export function likelyCause(
  status: number,
  body?: { code?: unknown; action?: unknown },
): { cause: string; hint: string; failureClass: FailureClass } | undefined {
  const where = 'AYRSHARE_API_KEY locally, the apiKey field of the Ayrshare secret when deployed';
  switch (classOfErrorCode(body?.code, body?.action)) {
    case 'x_credentials':
      return {
        cause: 'X/Twitter needs your own X app credentials',
        hint: `Set both X credentials (${X_CREDENTIALS_SETTINGS}).`,
        failureClass: 'x_credentials',
      };
    case 'no_data':
      return {
        cause: 'no platform returned data',
        hint: 'Check in the Ayrshare dashboard that the accounts are linked and have analytics.',
        failureClass: 'no_data',
      };
    default:
      break;
  }
  switch (status) {
    case 401:
      return { cause: 'Ayrshare refused the API key', hint: `Check the API key (${where}).`, failureClass: 'auth' };
    case 403:
      return {
        cause: 'the key may not read analytics for this profile, or the profile is suspended',
        hint: 'Check the Profile-Key, that the profile is active in the Ayrshare dashboard, and that your plan includes analytics.',
        failureClass: 'auth',
      };
    case 400:
      return {
        cause: 'Ayrshare could not read the request',
        hint: "Check that AYRSHARE_BASE_URL points at Ayrshare's API and that the platform list holds only supported platforms.",
        failureClass: 'request',
      };
    case 404:
      return {
        cause: 'the endpoint or the profile does not exist',
        hint: `Check AYRSHARE_BASE_URL (default ${DEFAULT_BASE_URL}) and the Profile-Key.`,
        failureClass: 'request',
      };
    default:
      return status >= 400 && status < 500
        ? {
            cause: 'Ayrshare refused the request',
            hint: 'Check AYRSHARE_BASE_URL and the keys.',
            failureClass: 'request',
          }
        : undefined;
  }
}
