// The offer's chime and a message's ping, synthesised (no audio file to
// ship): two short tones, one.
let context: AudioContext | null = null;

export function chime(): void {
  tones([
    [0, 880],
    [0.18, 1175],
  ]);
}

// A message in a conversation not on screen: one soft tone, not the offer's two.
export function ping(): void {
  tones([[0, 660]]);
}

function tones(notes: readonly (readonly [number, number])[]): void {
  try {
    context ??= new AudioContext();
    const now = context.currentTime;
    for (const [offset, frequency] of notes) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, now + offset);
      gain.gain.exponentialRampToValueAtTime(0.2, now + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.16);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(now + offset);
      oscillator.stop(now + offset + 0.17);
    }
  } catch {
    // No audio device (or not allowed before a user gesture): the visual
    // announcement remains.
  }
}
