import { oneMessage, oneStatement } from './one-message.js';

const move = { text: 'SELECT advance_projection_checkpoint($1, $2)', values: ['p', 7] };

describe("a batch's writes sent with the checkpoint's move", () => {
  it('go as one statement, each write a WITH query with its parameters numbered after the move’s', () => {
    const single = oneStatement(move, [
      { text: 'INSERT INTO a (x) SELECT x FROM json_populate_recordset(NULL::a, $1::json)', values: ['[{"x":1}]'] },
      { text: 'DELETE FROM b WHERE id = ANY($1) AND n > $2', values: [['k'], 3] },
    ]);
    expect(single).toEqual({
      text:
        'WITH w0 AS (INSERT INTO a (x) SELECT x FROM json_populate_recordset(NULL::a, $3::json)),\n' +
        'w1 AS (DELETE FROM b WHERE id = ANY($4) AND n > $5)\n' +
        'SELECT advance_projection_checkpoint($1, $2)',
      values: ['p', 7, '[{"x":1}]', ['k'], 3],
    });
  });

  it('keep the in-order message when two writes touch one table, or a write is not a plain INSERT, UPDATE or DELETE', () => {
    const twice = [
      { text: 'DELETE FROM a WHERE id = ANY($1)', values: [['k']] },
      { text: 'INSERT INTO a (id) VALUES ($1)', values: ['k'] },
    ];
    expect(oneStatement(move, twice)).toBeUndefined();
    expect(oneStatement(move, [{ text: 'TRUNCATE a', values: [] }])).toBeUndefined();
    expect(oneStatement(move, [{ text: 'UPDATE a SET n = 1; DELETE FROM b', values: [] }])).toBeUndefined();
    expect(oneMessage([move, ...twice])).toBe(
      "SELECT advance_projection_checkpoint('p', '7');\nDELETE FROM a WHERE id = ANY('{\"k\"}');\nINSERT INTO a (id) VALUES ('k')",
    );
  });

  it('is the move alone when the batch wrote nothing', () => {
    expect(oneStatement(move, [])).toEqual(move);
  });
});
