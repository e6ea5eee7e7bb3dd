import { describe, expect, it } from 'vitest';
import { lexiconSentiment, predictSentiment, type SentimentExample, trainSentimentModel } from '../src/sentiment.ts';

describe('sentiment', () => {
  it('scores praise positive and complaints negative out of the box', () => {
    const good = lexiconSentiment('The staff were excellent and very kind, thank you');
    const bad = lexiconSentiment('Awful service, rude staff and a terrible wait');
    expect(good.score).toBeGreaterThan(0.5);
    expect(good.class).toBe('very_positive');
    expect(bad.score).toBeLessThan(-0.5);
    expect(bad.class).toBe('very_negative');
    expect(lexiconSentiment('The clinic is on the second floor').class).toBe('neutral');
  });

  it('flips the sign under negation', () => {
    expect(lexiconSentiment('The staff were helpful').score).toBeGreaterThan(0);
    expect(lexiconSentiment('The staff were not helpful').score).toBeLessThan(0);
  });

  it('keeps the score within [-1, 1]', () => {
    const s = lexiconSentiment('excellent '.repeat(500)).score;
    expect(s).toBeLessThanOrEqual(1);
    expect(s).toBeGreaterThan(0.99);
  });

  it('scores Welsh praise positive', () => {
    expect(lexiconSentiment('Gwasanaeth gwych, diolch').score).toBeGreaterThan(0);
  });

  it('learns from labels: a trained model follows the labelled direction', () => {
    const examples: SentimentExample[] = [];
    for (let i = 0; i < 20; i++) {
      examples.push({ text: `The blorp service number ${i} was zingy`, sentiment: 'very_positive' });
      examples.push({ text: `The blorp service number ${i} was grotty`, sentiment: 'very_negative' });
      examples.push({ text: `The blorp service number ${i} opens on monday`, sentiment: 'neutral' });
    }
    const model = trainSentimentModel(examples);
    const up = predictSentiment(model, 'so zingy');
    const down = predictSentiment(model, 'so grotty');
    expect(up.class).toBe('very_positive');
    expect(down.class).toBe('very_negative');
    expect(up.score).toBeGreaterThan(down.score);
  });
});
