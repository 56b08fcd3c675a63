"""Read use cases on deployed methodologies. Mixed into ``engine.service.Engine``."""

from __future__ import annotations

from engine.errors import NotFoundError
from engine.store.versions import deployed_files, deployed_labels


class MethodologyUseCases:
    def methodology_files(self, methodology_id: str, version: str | None = None) -> dict[str, str]:
        """The files (relative path -> text) a deployed version of a methodology was
        made of: the one with the designer's ``version`` label (deployed last, if the
        label was deployed twice), or without it the version new deals start on."""
        with self._reads() as session:
            files = deployed_files(session, methodology_id, version)
            if files is not None:
                return files
            labels = deployed_labels(session, methodology_id)
        wanted = f"{methodology_id}@{version}" if version else methodology_id
        if not labels:
            raise NotFoundError(f"methodology '{wanted}' is not deployed; run 'dealflow deploy'")
        raise NotFoundError(f"methodology '{wanted}' is not deployed; deployed versions: {', '.join(labels)}")
