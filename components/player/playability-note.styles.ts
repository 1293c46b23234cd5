import { css } from 'lit';

/** The teacher's note about a video this browser cannot (fully) play: a warning, not an error. */
export const playabilityNoteStyles = css`
  .playability-note {
    margin-top: 0.5rem;
    border: 1px solid var(--s3v-border);
    border-left: 0.35rem solid var(--s3v-warning, #a35200);
    border-radius: var(--s3v-radius);
    padding: 0.75rem 1rem;
    background: var(--s3v-surface);
  }
  .playability-note p {
    margin: 0 0 0.5rem;
  }
  .playability-note .message {
    font-weight: 600;
  }
  .playability-note .reasons {
    margin: 0 0 0.5rem;
    padding-left: 1.25rem;
  }
  .index-last {
    margin: 0.5rem 0 0;
    font-size: 0.875rem;
  }
`;
