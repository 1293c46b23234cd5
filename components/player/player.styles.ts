import { css } from 'lit';

export const playerStyles = css`
  .frame {
    position: relative;
    border-radius: var(--s3v-radius);
    overflow: hidden;
    background: #000;
  }
  .frame[hidden] {
    display: none;
  }
  .stage {
    min-height: 3rem;
  }
  .loading {
    position: absolute;
    inset: 0;
    display: flex;
    align-items: center;
    justify-content: center;
    gap: 0.5rem;
    margin: 0;
    color: #fff;
    background: rgb(0 0 0 / 0.6);
  }
  .problem {
    border: 1px solid var(--s3v-border);
    border-left: 0.35rem solid var(--s3v-danger);
    border-radius: var(--s3v-radius);
    padding: 1rem 1.25rem;
    background: var(--s3v-surface);
  }
  .problem p {
    margin: 0 0 0.5rem;
  }
  .problem .message {
    font-weight: 600;
    color: var(--s3v-danger);
  }
  .checksum {
    margin: 0.5rem 0 0;
    font-size: 0.875rem;
    overflow-wrap: anywhere;
  }
  /* Video.js sizes text from the page's font-size: keep Moodle's, not Video.js's 10px. */
  .video-js {
    font-size: 0.875rem;
  }
`;
