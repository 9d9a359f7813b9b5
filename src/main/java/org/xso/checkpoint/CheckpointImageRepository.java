package org.xso.checkpoint;

import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

interface CheckpointImageRepository extends JpaRepository<CheckpointImage, UUID> {
}
