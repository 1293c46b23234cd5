import { css } from 'lit';

/**
 * Looks shared by every element. Colours come from the theme's Bootstrap
 * custom properties (Moodle's Boost defines --primary, --danger…), which
 * inherit into shadow roots; the fallbacks are Boost's own values.
 */
export const sharedStyles = css`
  :host {
    --s3v-primary: var(--primary, #0f6cbf);
    --s3v-danger: var(--danger, #ca3120);
    --s3v-success: var(--success, #357a32);
    --s3v-border: var(--gray-400, #ced4da);
    --s3v-muted: var(--gray-600, #6a737b);
    --s3v-surface: var(--white, #fff);
    --s3v-radius: 0.5rem;
    display: block;
    font: inherit;
    color: inherit;
  }
  :host([hidden]) {
    display: none;
  }
  button,
  select,
  input {
    font: inherit;
  }
  button {
    cursor: pointer;
    border-radius: 0.375rem;
    padding: 0.375rem 0.75rem;
    border: 1px solid var(--s3v-primary);
    background: var(--s3v-surface);
    color: var(--s3v-primary);
    line-height: 1.5;
  }
  button.primary {
    background: var(--s3v-primary);
    color: #fff;
  }
  button.danger {
    border-color: var(--s3v-danger);
    color: var(--s3v-danger);
  }
  button.danger.primary {
    background: var(--s3v-danger);
    color: #fff;
  }
  button:disabled {
    opacity: 0.6;
    cursor: not-allowed;
  }
  :is(button, a, select, input, [tabindex]):focus-visible {
    outline: 3px solid var(--s3v-primary);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute !important;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  .muted {
    color: var(--s3v-muted);
  }
  .error {
    color: var(--s3v-danger);
  }
  .spinner {
    display: inline-block;
    width: 1em;
    height: 1em;
    vertical-align: -0.125em;
    border: 0.15em solid currentColor;
    border-right-color: transparent;
    border-radius: 50%;
    animation: s3v-spin 0.75s linear infinite;
  }
  @keyframes s3v-spin {
    to {
      transform: rotate(360deg);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation-duration: 2s;
    }
  }
`;
