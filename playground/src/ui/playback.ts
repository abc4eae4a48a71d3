/** Play / pause of a view's steps: one advance per animation frame, the button saying which. */

export interface Playback {
  readonly playing: boolean;
  play(): void;
  pause(): void;
  toggle(): void;
}

/**
 * Drives `advance` once per animation frame while playing (it may call `pause()`, e.g. at the
 * last step); `start` runs before each play (to rewind from the end). The button's text and
 * aria-pressed follow the state.
 */
export function playback(button: HTMLButtonElement, o: { start: () => void; advance: () => void }): Playback {
  let playing = false;
  let frame = 0;
  const show = (on: boolean): void => {
    button.textContent = on ? 'Pause' : 'Play';
    button.setAttribute('aria-pressed', String(on));
  };
  const tick = (): void => {
    if (!playing) return;
    o.advance();
    if (playing) frame = requestAnimationFrame(tick);
  };
  const p: Playback = {
    get playing() {
      return playing;
    },
    play() {
      o.start();
      playing = true;
      show(true);
      frame = requestAnimationFrame(tick);
    },
    pause() {
      playing = false;
      cancelAnimationFrame(frame);
      show(false);
    },
    toggle() {
      if (playing) p.pause();
      else p.play();
    },
  };
  return p;
}
