import { css } from 'lit';

export const uploaderStyles = css`
  .zone {
    border: 2px dashed var(--s3v-border);
    border-radius: var(--s3v-radius);
    padding: 1rem 1.25rem;
    background: var(--s3v-surface);
    transition: border-color 0.15s, background-color 0.15s;
  }
  .zone.dragging {
    border-color: var(--s3v-primary);
    background: color-mix(in srgb, var(--s3v-primary) 8%, var(--s3v-surface));
  }
  p {
    margin: 0.25rem 0;
  }
  .line {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
  }
  .name {
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .label {
    font-size: 0.875em;
    text-transform: uppercase;
    letter-spacing: 0.03em;
    color: var(--s3v-muted);
  }
  .current,
  .unsaved {
    margin-bottom: 0.75rem;
  }
  .file {
    display: flex;
    gap: 0.75rem;
    align-items: center;
    margin-bottom: 0.5rem;
  }
  .poster {
    width: 96px;
    height: auto;
    border-radius: 0.25rem;
    background: #000;
  }
  .bar {
    height: 0.75rem;
    border-radius: 0.375rem;
    background: var(--gray-200, #e9ecef);
    overflow: hidden;
    margin: 0.5rem 0 0.25rem;
  }
  /* Scaled, not resized: a transform animates on the compositor, with no layout or paint per step. */
  .fill {
    height: 100%;
    background: var(--s3v-primary);
    transform-origin: left center;
    transition: transform 0.25s linear;
  }
  :host(:dir(rtl)) .fill {
    transform-origin: right center;
  }
  .success {
    color: var(--s3v-success);
    font-weight: 600;
  }
  .mark {
    font-size: 1.25em;
  }
  .problem .message {
    font-weight: 600;
  }
  .resume-offer,
  .offline,
  .warning {
    font-weight: 600;
  }
  .held,
  .leave {
    margin-top: 0.75rem;
    padding-top: 0.75rem;
    border-top: 1px solid var(--s3v-border);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin-top: 0.75rem;
  }
  @media (prefers-reduced-motion: reduce) {
    .fill,
    .zone {
      transition: none;
    }
  }
`;
