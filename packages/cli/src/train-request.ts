// Which models' train.ts hands the whole argv to a module of its own (models whose flags are their own):
// `gantry train --model <m> ...`, or `--resume RUN` of a run that module recognises by its run file.

/** 'train' when argv names --model `model`, 'resume' when it resumes a run that `isRun` recognises, else undefined. */
export function modelTrainRequest(argv: readonly string[], model: string, isRun: (runDir: string) => boolean): 'train' | 'resume' | undefined {
  const value = (flag: string) => {
    const i = argv.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
    return i < 0 ? undefined : argv[i].includes('=') ? argv[i].slice(flag.length + 1) : argv[i + 1];
  };
  if (value('--model') === model) return 'train';
  const resume = value('--resume');
  return resume !== undefined && isRun(resume) ? 'resume' : undefined;
}
