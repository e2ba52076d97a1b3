/**
 * Feedback a trainee can catch across a noisy workshop without looking: each
 * outcome has its own colour and its own sound, and the reason in words.
 */
export type FeedbackKind = 'success' | 'duplicate' | 'unknown' | 'refused' | 'queued' | 'info';

interface Tone {
  hz: number;
  ms: number;
  wave: OscillatorType;
}

/** Distinct by pitch, rhythm and timbre, so they can be told apart without seeing the screen. */
const TONES: Record<FeedbackKind, Tone[]> = {
  // two quick rising notes
  success: [
    { hz: 880, ms: 90, wave: 'sine' },
    { hz: 1320, ms: 140, wave: 'sine' },
  ],
  // the same note twice: "again"
  duplicate: [
    { hz: 660, ms: 110, wave: 'triangle' },
    { hz: 0, ms: 70, wave: 'sine' },
    { hz: 660, ms: 110, wave: 'triangle' },
  ],
  // falling, like a question left open
  unknown: [
    { hz: 740, ms: 150, wave: 'square' },
    { hz: 440, ms: 220, wave: 'square' },
  ],
  // a long low buzz
  refused: [{ hz: 150, ms: 550, wave: 'sawtooth' }],
  // one soft low note: kept, not yet sent
  queued: [{ hz: 520, ms: 160, wave: 'sine' }],
  info: [],
};

let audio: AudioContext | undefined;

export function playTone(kind: FeedbackKind): void {
  const tones = TONES[kind];
  if (tones.length === 0) return;
  try {
    audio ??= new AudioContext();
    // Created before the first key or click, a context starts suspended.
    if (audio.state === 'suspended') void audio.resume();
    let at = audio.currentTime + 0.01;
    for (const tone of tones) {
      const seconds = tone.ms / 1000;
      if (tone.hz > 0) {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.type = tone.wave;
        osc.frequency.value = tone.hz;
        gain.gain.setValueAtTime(0.0001, at);
        gain.gain.exponentialRampToValueAtTime(0.3, at + 0.01);
        gain.gain.exponentialRampToValueAtTime(0.0001, at + seconds);
        osc.connect(gain).connect(audio.destination);
        osc.start(at);
        osc.stop(at + seconds + 0.02);
      }
      at += seconds;
    }
  } catch {
    // No audio device: the colour and the words still say it.
  }
}
