"""The Textual shell: screens render view models from Session, nothing else."""
