import { LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import type { Endpoint, EndpointResponse } from '../edge/src/contract';
import { callEdge, EdgeError, type EdgeRequest } from './edge-client';
import type { ComponentKind } from './events';
import { format, STRINGS, type StringKey, type StringParam, type Strings } from './strings';
import { TokenRenewal } from './token-renewal';

/**
 * What every s3v-* element shares: where the edge is, the token Moodle signed
 * for it, the strings of the user's language, and edge calls that survive a
 * token expiring once.
 */
export abstract class S3vElement extends LitElement {
  /** Base URL of the edge worker, e.g. https://edge.example. */
  @property({ attribute: 'edge-url' }) edgeUrl = '';

  /** Bearer token for the edge; the page replaces it after `s3v-token-expired`. */
  @property() token = '';

  /** Strings from Moodle's `core/str`; any key missing here shows in English. */
  @property({ attribute: false }) strings: Strings = {};

  protected abstract readonly kind: ComponentKind;

  private renewal?: TokenRenewal;

  override connectedCallback(): void {
    // Created here rather than in a field initializer: `kind` is only set once the subclass is constructed.
    this.renewal ??= new TokenRenewal(this, this.kind);
    super.connectedCallback();
  }

  protected t(key: StringKey, a?: StringParam): string {
    return format(this.strings[key] ?? STRINGS[key], a);
  }

  /** An edge call; on 401 TOKEN_EXPIRED it asks the page for a new token and tries once more. */
  protected async edge<K extends Endpoint>(endpoint: K, req: EdgeRequest<K>): Promise<EndpointResponse<K>> {
    try {
      return await callEdge(this.edgeUrl, this.token, endpoint, req);
    } catch (err) {
      if (!(err instanceof EdgeError && err.code === 'TOKEN_EXPIRED') || !this.renewal) throw err;
      await this.renewal.renew(req.signal);
      return callEdge(this.edgeUrl, this.token, endpoint, req);
    }
  }
}
