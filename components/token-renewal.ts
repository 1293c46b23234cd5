import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { EdgeError } from './edge-client';
import { emit, TOKEN_EXPIRED, type ComponentKind } from './events';

/**
 * Moodle signs short-lived tokens. When the edge says one expired, the element
 * asks the page for another (`s3v-token-expired`; the loader answers by setting
 * `element.token`) and waits for the property to change.
 */

/** Long enough for Moodle's AJAX round trip on a slow link; beyond it the page has no answer. */
export const TOKEN_RENEWAL_TIMEOUT_MS = 30_000;

interface TokenHost extends ReactiveControllerHost, HTMLElement {
  token: string;
}

export class TokenRenewal implements ReactiveController {
  private lastToken: string;
  /** Shared, so several calls failing at once cause one request for a token, not one each. */
  private pending: { promise: Promise<void>; resolve(): void } | null = null;

  constructor(
    private readonly host: TokenHost,
    private readonly kind: ComponentKind,
    private readonly timeoutMs = TOKEN_RENEWAL_TIMEOUT_MS,
  ) {
    this.lastToken = host.token;
    host.addController(this);
  }

  hostUpdate(): void {
    if (this.host.token === this.lastToken) return;
    this.lastToken = this.host.token;
    this.pending?.resolve();
    this.pending = null;
  }

  /** Resolves once the page has set a new token; rejects after the timeout or on abort. */
  renew(signal?: AbortSignal): Promise<void> {
    if (!this.pending) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.pending = { promise, resolve };
      emit(this.host, TOKEN_EXPIRED, { kind: this.kind });
    }
    const waiting = this.pending.promise;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = null;
        reject(new EdgeError(401, 'TOKEN_EXPIRED', 'No new token arrived from the page.'));
      }, this.timeoutMs);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason instanceof DOMException ? signal!.reason : new DOMException('Aborted', 'AbortError'));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      void waiting.then(() => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }
}
