package org.xso.checkpoint;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.EntityManager;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.SqlTypeValue;
import org.springframework.jdbc.core.StatementCreatorUtils;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Inserts new checkpoints with plain JDBC: the checkpoint's row, its devices', its rings' and its
 * memory image's, one batch per table for any number of checkpoints, in the caller's transaction
 * (the JPA transaction manager shares its connection). A checkpoint is written once and never
 * updated but by compaction and pins, so the ORM's insert machinery (persisting a cascade, dirty
 * checking the byte arrays at flush, ordering the inserts) buys nothing here; it was most of the
 * cost of persisting an epoch of periodic checkpointing. Reads and the rare updates stay with
 * {@link CheckpointRepository}: a checkpoint inserted here is read from its rows like any other.
 * Retention's reads and deletes are here too: they run on every suspend and checkpoint.
 */
@Component
class CheckpointRows {

	private static final String CHECKPOINT = "INSERT INTO checkpoints (id, domid, kind, operation_id, created_at,"
			+ " format_version, adapter, source_domid, strategy, config_bytes, config_sha256, memory_sha256,"
			+ " memory_bytes, sha256, size_bytes, pinned, pin_reason, parent_id, parent_sha256, chain_depth, host_name)"
			+ " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

	private static final String DEVICE = "INSERT INTO checkpoint_devices (checkpoint_id, device_type, devid,"
			+ " backend_domid, frontend_state, backend_state, evtchn_ports, features, backend_info, shadow_count,"
			+ " state_bytes, sha256, held_in_save_image, grant_entries) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

	private static final String RING = "INSERT INTO checkpoint_rings (checkpoint_id, device_type, devid, ordinal, name,"
			+ " page_order, refs, req_prod, req_event, rsp_prod, rsp_event, req_prod_pvt, rsp_cons)"
			+ " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

	private static final String IMAGE = "INSERT INTO checkpoint_images (checkpoint_id, memory_image) VALUES (?, ?)";

	private final JdbcTemplate jdbc;

	private final JdbcClient client;

	private final EntityManager entities;

	CheckpointRows(JdbcTemplate jdbc, EntityManager entities) {
		this.jdbc = jdbc;
		this.client = JdbcClient.create(jdbc);
		this.entities = entities;
	}

	/** A checkpoint to insert and its memory image. */
	record New(Checkpoint checkpoint, byte[] memoryImage) {
	}

	/** Inserts {@code all}, each with its devices, rings and image: four batch executions at most. */
	void insert(List<New> all) {
		if (all.isEmpty()) {
			return;
		}
		jdbc.batchUpdate(CHECKPOINT, all, all.size(), (s, n) -> checkpoint(s, n.checkpoint()));
		List<CheckpointDevice> devices = new ArrayList<>();
		List<Ring> rings = new ArrayList<>();
		for (New n : all) {
			for (CheckpointDevice d : n.checkpoint().devices()) {
				devices.add(d);
				List<RingRow> rs = d.rings();
				for (int i = 0; i < rs.size(); i++) {
					rings.add(new Ring(n.checkpoint().id(), d, i, rs.get(i)));
				}
			}
		}
		if (!devices.isEmpty()) {
			jdbc.batchUpdate(DEVICE, devices, devices.size(), CheckpointRows::device);
		}
		if (!rings.isEmpty()) {
			jdbc.batchUpdate(RING, rings, rings.size(), CheckpointRows::ring);
		}
		jdbc.batchUpdate(IMAGE, all, all.size(), (s, n) -> {
			s.setObject(1, n.checkpoint().id());
			s.setBytes(2, n.memoryImage());
		});
	}

	/**
	 * Checkpoints {@code ids} as an incremental checkpoint built on one of them names it, as they are
	 * now (a compaction changes a checkpoint's manifest and depth), in one query; a checkpoint that
	 * is not stored is not in the map.
	 */
	Map<UUID, Checkpoint.Link> links(Collection<UUID> ids) {
		Map<UUID, Checkpoint.Link> links = new HashMap<>();
		if (ids.isEmpty()) {
			return links;
		}
		client.sql("SELECT id, sha256, chain_depth FROM checkpoints WHERE id IN (:ids)")
			.param("ids", ids)
			.query((rs, i) -> new Checkpoint.Link(rs.getObject(1, UUID.class), rs.getString(2), rs.getInt(3)))
			.list()
			.forEach(l -> links.put(l.id(), l));
		return links;
	}

	/**
	 * A domain's checkpoints, newest first, as retention decides on them (id, parent, pinned), in
	 * the caller's transaction. What that transaction changed through JPA (a pin) is flushed first,
	 * so the rows read are what it sees.
	 */
	List<CheckpointRepository.Entry> newestFirst(int domid) {
		this.entities.flush();
		return client.sql("SELECT id, parent_id, pinned FROM checkpoints WHERE domid = ? ORDER BY created_at DESC, id DESC")
			.param(domid)
			.query((rs, i) -> new CheckpointRepository.Entry(rs.getObject(1, UUID.class),
					rs.getObject(2, UUID.class), rs.getBoolean(3)))
			.list();
	}

	/**
	 * Deletes checkpoints {@code ids} (their devices, rings and images go with them, ON DELETE
	 * CASCADE) in the caller's transaction and returns their devices' backend info (JSON), which
	 * names the storage kept for them. JPA's changes are flushed first and its persistence context is
	 * cleared after, so no entity of a deleted checkpoint stays managed. Two statements, the same for
	 * any number of checkpoints; through JPA, an {@code IN} list of a varying size was translated
	 * from JPQL to SQL again on every call.
	 */
	List<String> delete(Collection<UUID> ids) {
		if (ids.isEmpty()) {
			return List.of();
		}
		this.entities.flush();
		List<String> backendInfo = client.sql("SELECT backend_info FROM checkpoint_devices WHERE checkpoint_id IN (:ids)")
			.param("ids", ids)
			.query(String.class)
			.list();
		client.sql("DELETE FROM checkpoints WHERE id IN (:ids)").param("ids", ids).update();
		this.entities.clear();
		return backendInfo;
	}

	/**
	 * Unpins checkpoint {@code id} in one statement, in the caller's transaction, after flushing what
	 * it changed through JPA; the checkpoint is neither read nor written back, and an entity of it
	 * already loaded in the same transaction is not updated. Every resume does this.
	 */
	void unpin(UUID id) {
		this.entities.flush();
		client.sql("UPDATE checkpoints SET pinned = FALSE, pin_reason = NULL WHERE id = ?").param(id).update();
	}

	private record Ring(UUID checkpointId, CheckpointDevice device, int ordinal, RingRow row) {
	}

	private static void checkpoint(PreparedStatement s, Checkpoint c) throws SQLException {
		s.setObject(1, c.id());
		s.setInt(2, c.domid());
		s.setString(3, c.kind().name());
		nullable(s, 4, c.operationId());
		s.setObject(5, c.createdAt().atOffset(ZoneOffset.UTC));
		s.setInt(6, c.formatVersion());
		s.setString(7, c.adapter());
		s.setInt(8, c.sourceDomid());
		nullable(s, 9, c.strategy() == null ? null : c.strategy().name());
		s.setBytes(10, c.configBytes());
		s.setString(11, c.configSha256());
		s.setString(12, c.memorySha256());
		s.setLong(13, c.memoryBytes());
		s.setString(14, c.sha256());
		s.setLong(15, c.sizeBytes());
		s.setBoolean(16, c.pinned());
		nullable(s, 17, c.pinReason());
		nullable(s, 18, c.parentId());
		nullable(s, 19, c.parentSha256());
		s.setInt(20, c.chainDepth());
		nullable(s, 21, c.host());
	}

	private static void device(PreparedStatement s, CheckpointDevice d) throws SQLException {
		s.setObject(1, d.checkpointId());
		s.setString(2, d.deviceType());
		s.setInt(3, d.devid());
		s.setInt(4, d.backendDomid());
		s.setString(5, d.frontendState());
		s.setString(6, d.backendState());
		s.setString(7, d.evtchnPorts());
		s.setString(8, d.features());
		s.setString(9, d.backendInfo());
		s.setInt(10, d.shadowCount());
		s.setBytes(11, d.stateBytes());
		s.setString(12, d.sha256());
		s.setString(13, d.heldInSaveImage());
		s.setString(14, d.grantEntries());
	}

	private static void ring(PreparedStatement s, Ring r) throws SQLException {
		RingRow row = r.row();
		s.setObject(1, r.checkpointId());
		s.setString(2, r.device().deviceType());
		s.setInt(3, r.device().devid());
		s.setInt(4, r.ordinal());
		s.setString(5, row.name());
		s.setInt(6, row.pageOrder());
		s.setString(7, row.refs());
		s.setInt(8, row.reqProd());
		s.setInt(9, row.reqEvent());
		s.setInt(10, row.rspProd());
		s.setInt(11, row.rspEvent());
		s.setInt(12, row.reqProdPvt());
		s.setInt(13, row.rspCons());
	}

	/** A value that may be null, bound as Spring binds one of unknown type (null as each driver wants it). */
	private static void nullable(PreparedStatement s, int i, @Nullable Object value) throws SQLException {
		StatementCreatorUtils.setParameterValue(s, i, SqlTypeValue.TYPE_UNKNOWN, value);
	}

}
