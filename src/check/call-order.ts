// The order models are checked in: each after the models it calls (by name), so that checking a call
// never has to check another model inside it, and a chain of thousands of models calling each other
// needs no deep recursion. Models on a cycle of calls are marked: a call into one is an error.
import type { Expr, ModelDecl } from "../syntax/ast.js";

/** A model as the checker tracks it: its declaration, and whether it is on a cycle of calls. */
export interface OrderedModel {
  decl: ModelDecl;
  cyclic?: boolean;
}

/** The models in an order where each comes after the models it calls; marks those on a cycle. */
export function calleesFirst<M extends OrderedModel>(models: ReadonlyMap<string, M>): M[] {
  const order: M[] = [];
  const visiting = new Set<M>();
  const done = new Set<M>();
  for (const root of models.values()) {
    if (done.has(root)) continue;
    const stack = [{ model: root, callees: callees(root, models), next: 0 }];
    visiting.add(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const callee = top.callees[top.next++];
      if (callee === undefined) {
        stack.pop();
        visiting.delete(top.model);
        done.add(top.model);
        order.push(top.model);
      } else if (visiting.has(callee)) {
        for (const frame of stack.slice(stack.findIndex((f) => f.model === callee))) frame.model.cyclic = true;
      } else if (!done.has(callee)) {
        visiting.add(callee);
        stack.push({ model: callee, callees: callees(callee, models), next: 0 });
      }
    }
  }
  return order;
}

/** The models a model's body names, found by walking its expressions without recursion. */
function callees<M extends OrderedModel>(model: M, models: ReadonlyMap<string, M>): M[] {
  const found = new Set<M>();
  const pending: Expr[] = model.decl.body.flatMap((s) => (s.kind === "Assign" ? [s.value] : s.values));
  while (pending.length > 0) {
    const e = pending.pop()!;
    if (e.kind === "Name") {
      const callee = models.get(e.name);
      if (callee) found.add(callee);
    } else if (e.kind === "Tuple") pending.push(...e.items);
    else if (e.kind === "Call") pending.push(e.callee, ...e.args.map((a) => a.value));
    else if (e.kind === "Pipe") pending.push(e.left, e.right);
  }
  return [...found];
}
