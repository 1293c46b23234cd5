import { css } from 'lit';

/** The format warning: set apart like the other notices, its list of reasons kept compact. */
export const playabilityNoticeStyles = css`
  .playability {
    margin: 0.5rem 0;
    padding: 0.5rem 0.75rem;
    border-left: 4px solid var(--s3v-warning, #a35200);
    background: var(--s3v-warning-bg, #fff4e5);
  }
  .playability .message {
    font-weight: 600;
  }
  .playability .reasons {
    margin: 0.25rem 0;
    padding-left: 1.25rem;
  }
`;
