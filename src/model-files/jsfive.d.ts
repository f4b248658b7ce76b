// The part of jsfive 0.4.2's API rnnc uses (the package ships no typings).
declare module "jsfive" {
  export class Group {
    readonly name: string;
    readonly keys: string[];
    readonly attrs: Record<string, unknown>;
    get(path: string): Group | Dataset | null;
  }
  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename?: string);
  }
  export class Dataset {
    readonly name: string;
    readonly shape: number[];
    readonly dtype: string | unknown[];
    readonly attrs: Record<string, unknown>;
    readonly value: ArrayLike<number | bigint>;
    /** Internal: the dataset's header messages (its filter pipeline says whether it is compressed). */
    readonly _dataobjects: { filter_pipeline: unknown[] | null };
  }
}
