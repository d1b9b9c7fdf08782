"""Running a story: the spec, the stages the notebook calls, run folders and run.json, the runner, papermill, batches."""
