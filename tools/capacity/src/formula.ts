import { CapacityInputError } from './capacity-input-error.js';

/**
 * The subset of the expr language (expr-lang/expr, which KEDA uses for `scalingModifiers.formula`) that a scaling
 * formula needs: numbers, trigger names, `+ - * / % ** ^`, comparisons, `&& || !` (and `and or not`), `?:`, `??`,
 * parentheses and the builtins `min`, `max`, `abs`, `ceil`, `floor`, `round`. KEDA casts the result to float64 and
 * stores it in milli-units; a boolean result is an error there and here.
 */

type Node =
  | { readonly kind: 'num'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'var'; readonly name: string }
  | { readonly kind: 'unary'; readonly op: string; readonly arg: Node }
  | { readonly kind: 'binary'; readonly op: string; readonly left: Node; readonly right: Node }
  | { readonly kind: 'cond'; readonly test: Node; readonly then: Node; readonly otherwise: Node }
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly Node[] };

type Value = number | boolean | null;

const FUNCTIONS: Readonly<Record<string, (args: number[]) => number>> = {
  min: (a) => Math.min(...a),
  max: (a) => Math.max(...a),
  abs: (a) => Math.abs(a[0]),
  ceil: (a) => Math.ceil(a[0]),
  floor: (a) => Math.floor(a[0]),
  round: (a) => Math.round(a[0]),
};

const ARITY: Readonly<Record<string, [number, number]>> = {
  min: [1, Infinity],
  max: [1, Infinity],
  abs: [1, 1],
  ceil: [1, 1],
  floor: [1, 1],
  round: [1, 1],
};

interface Token {
  readonly type: 'num' | 'id' | 'op' | 'eof';
  readonly text: string;
  readonly pos: number;
}

const OPERATORS = ['**', '==', '!=', '<=', '>=', '&&', '||', '??', '+', '-', '*', '/', '%', '^', '<', '>', '!', '?', ':', '(', ')', ','];

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const num = /^(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/.exec(src.slice(i));
    if (num) {
      tokens.push({ type: 'num', text: num[1], pos: i });
      i += num[1].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      tokens.push({ type: 'id', text: id[0], pos: i });
      i += id[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) throw new CapacityInputError(`formula: unexpected "${ch}" at ${i + 1} in "${src}"`);
    tokens.push({ type: 'op', text: op, pos: i });
    i += op.length;
  }
  tokens.push({ type: 'eof', text: '', pos: src.length });
  return tokens;
}

const WORD_OPS: Readonly<Record<string, string>> = { and: '&&', or: '||', not: '!' };

/** Binding powers (higher binds tighter), after expr's operator table. */
const BINARY: Readonly<Record<string, [number, 'left' | 'right']>> = {
  '??': [1, 'left'],
  '||': [2, 'left'],
  '&&': [3, 'left'],
  '==': [4, 'left'],
  '!=': [4, 'left'],
  '<': [4, 'left'],
  '>': [4, 'left'],
  '<=': [4, 'left'],
  '>=': [4, 'left'],
  '+': [5, 'left'],
  '-': [5, 'left'],
  '*': [6, 'left'],
  '/': [6, 'left'],
  '%': [6, 'left'],
  '**': [8, 'right'],
  '^': [8, 'right'],
};

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly src: string,
  ) {}

  private peek(): Token {
    return this.tokens[this.i];
  }

  private opText(t: Token): string | undefined {
    if (t.type === 'op') return t.text;
    if (t.type === 'id' && WORD_OPS[t.text]) return WORD_OPS[t.text];
    return undefined;
  }

  private fail(message: string, t: Token = this.peek()): never {
    throw new CapacityInputError(`formula: ${message} at ${t.pos + 1} in "${this.src}"`);
  }

  private expect(text: string): void {
    const t = this.peek();
    if (this.opText(t) !== text) this.fail(`expected "${text}"`);
    this.i++;
  }

  parse(): Node {
    const node = this.expression();
    if (this.peek().type !== 'eof') this.fail(`unexpected "${this.peek().text}"`);
    return node;
  }

  private expression(): Node {
    const test = this.binary(0);
    if (this.opText(this.peek()) === '?') {
      this.i++;
      const then = this.expression();
      this.expect(':');
      const otherwise = this.expression();
      return { kind: 'cond', test, then, otherwise };
    }
    return test;
  }

  private binary(minPower: number): Node {
    let left = this.unary();
    for (;;) {
      const op = this.opText(this.peek());
      const spec = op === undefined ? undefined : BINARY[op];
      if (op === undefined || !spec || spec[0] <= minPower) return left;
      this.i++;
      const right = this.binary(spec[1] === 'left' ? spec[0] : spec[0] - 1);
      left = { kind: 'binary', op, left, right };
    }
  }

  private unary(): Node {
    const op = this.opText(this.peek());
    if (op === '-' || op === '+' || op === '!') {
      this.i++;
      // Unary binds looser than `**` (as in expr: -2 ** 2 = -4).
      return { kind: 'unary', op, arg: this.binary(7) };
    }
    return this.primary();
  }

  private primary(): Node {
    const t = this.peek();
    if (t.type === 'num') {
      this.i++;
      return { kind: 'num', value: Number(t.text) };
    }
    if (t.type === 'id') {
      this.i++;
      if (t.text === 'true' || t.text === 'false') return { kind: 'bool', value: t.text === 'true' };
      if (this.opText(this.peek()) === '(' && this.peek().type === 'op') {
        const fn = t.text;
        if (!FUNCTIONS[fn]) this.fail(`unsupported function ${fn}() (supported: ${Object.keys(FUNCTIONS).join(', ')})`, t);
        this.i++;
        const args: Node[] = [];
        if (this.opText(this.peek()) !== ')') {
          args.push(this.expression());
          while (this.opText(this.peek()) === ',') {
            this.i++;
            args.push(this.expression());
          }
        }
        this.expect(')');
        const [lo, hi] = ARITY[fn];
        if (args.length < lo || args.length > hi) this.fail(`${fn}() takes ${lo === hi ? lo : `at least ${lo}`} argument(s)`, t);
        return { kind: 'call', fn, args };
      }
      return { kind: 'var', name: t.text };
    }
    if (this.opText(t) === '(') {
      this.i++;
      const e = this.expression();
      this.expect(')');
      return e;
    }
    return this.fail(t.type === 'eof' ? 'unexpected end' : `unexpected "${t.text}"`);
  }
}

export interface CompiledFormula {
  readonly source: string;
  /** Trigger names the formula reads. */
  readonly variables: ReadonlySet<string>;
  /** Evaluates to a finite number; throws `CapacityInputError` on a boolean result or an unknown name. */
  evaluate(env: Readonly<Record<string, number | null>>): number;
}

function variablesOf(node: Node, into: Set<string>): Set<string> {
  switch (node.kind) {
    case 'var':
      into.add(node.name);
      break;
    case 'unary':
      variablesOf(node.arg, into);
      break;
    case 'binary':
      variablesOf(node.left, into);
      variablesOf(node.right, into);
      break;
    case 'cond':
      variablesOf(node.test, into);
      variablesOf(node.then, into);
      variablesOf(node.otherwise, into);
      break;
    case 'call':
      for (const a of node.args) variablesOf(a, into);
      break;
    default:
      break;
  }
  return into;
}

const num = (v: Value, what: string): number => {
  if (typeof v !== 'number') throw new CapacityInputError(`formula: ${what} needs a number, got ${String(v)}`);
  return v;
};

function evaluate(node: Node, env: Readonly<Record<string, number | null>>): Value {
  switch (node.kind) {
    case 'num':
    case 'bool':
      return node.value;
    case 'var': {
      if (!(node.name in env)) throw new CapacityInputError(`formula: unknown name "${node.name}" (no trigger has that name)`);
      return env[node.name] ?? null;
    }
    case 'unary': {
      const v = evaluate(node.arg, env);
      if (node.op === '!') return !v;
      return node.op === '-' ? -num(v, 'unary -') : num(v, 'unary +');
    }
    case 'cond':
      return evaluate(node.test, env) ? evaluate(node.then, env) : evaluate(node.otherwise, env);
    case 'call':
      return FUNCTIONS[node.fn](node.args.map((a) => num(evaluate(a, env), `${node.fn}()`)));
    case 'binary': {
      if (node.op === '&&') return Boolean(evaluate(node.left, env)) && Boolean(evaluate(node.right, env));
      if (node.op === '||') return Boolean(evaluate(node.left, env)) || Boolean(evaluate(node.right, env));
      const l = evaluate(node.left, env);
      if (node.op === '??') return l ?? evaluate(node.right, env);
      const r = evaluate(node.right, env);
      if (node.op === '==') return l === r;
      if (node.op === '!=') return l !== r;
      const a = num(l, node.op);
      const b = num(r, node.op);
      switch (node.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return a / b;
        case '%':
          return a % b;
        case '**':
        case '^':
          return a ** b;
        case '<':
          return a < b;
        case '>':
          return a > b;
        case '<=':
          return a <= b;
        case '>=':
          return a >= b;
        default:
          throw new CapacityInputError(`formula: unsupported operator ${node.op}`);
      }
    }
  }
}

export function compileFormula(source: string): CompiledFormula {
  const ast = new Parser(tokenize(source), source).parse();
  const variables = variablesOf(ast, new Set());
  return {
    source,
    variables,
    evaluate(env) {
      const v = evaluate(ast, env);
      if (typeof v !== 'number') throw new CapacityInputError(`formula "${source}" must return a number, got ${String(v)}`);
      return v;
    },
  };
}
